// Sign up / sign in in a modal <dialog>: keyboard accessible (focus moves in, Escape closes).
import * as api from "./api";
import { h } from "./dom";

export function openAuthDialog(mode: "signin" | "signup", onDone: () => void): void {
  const dialog = document.getElementById("auth-dialog") as HTMLDialogElement;
  const signup = mode === "signup";
  const title = signup ? "Create a free account" : "Sign in";
  const email = h("input", { id: "auth-email", name: "email", type: "email", required: true, autocomplete: "email" });
  const password = h("input", {
    id: "auth-password", name: "password", type: "password", required: true, minlength: 8, maxlength: 1024,
    autocomplete: signup ? "new-password" : "current-password", "aria-describedby": signup ? "auth-password-hint" : null,
  });
  const error = h("p", { class: "error", role: "alert", id: "auth-error" });
  const submit = h("button", { type: "submit", class: "primary" }, signup ? "Sign up" : "Sign in");
  const cancel = h("button", { type: "button" }, "Cancel");
  const other = h("button", { type: "button", class: "link-button" },
    signup ? "I have an account: sign in" : "No account yet? Sign up free");
  const form = h("form", { class: "auth-form", novalidate: false },
    h("h2", { id: "auth-title" }, title),
    h("label", { for: "auth-email" }, "Email"), email,
    h("label", { for: "auth-password" }, "Password"), password,
    signup ? h("p", { class: "hint", id: "auth-password-hint" }, "At least 8 characters.") : null,
    error,
    h("div", { class: "actions" }, submit, cancel),
    other,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    submit.disabled = true;
    try {
      await api.signIn(mode, email.value.trim(), password.value);
      dialog.close();
      onDone();
    } catch (failure) {
      error.textContent = failure instanceof Error ? failure.message : String(failure);
      submit.disabled = false;
      password.focus();
    }
  });
  cancel.addEventListener("click", () => dialog.close());
  other.addEventListener("click", () => openAuthDialog(signup ? "signin" : "signup", onDone));
  dialog.replaceChildren(form);
  if (!dialog.open) dialog.showModal();
  email.focus();
}
