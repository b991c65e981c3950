// The single-page shell: header, router for /, /q/ID, /compare/A/B and /history (the server
// answers all of them with index.html, so a reload lands on the same page), and the account
// dialog.
import "./style.css";
import * as api from "./api";
import { openAuthDialog } from "./auth";
import { h, clear } from "./dom";
import { renderHistory } from "./history";
import { renderComparePage } from "./compare";
import { renderResultPage } from "./result";
import { navigate } from "./nav";
import { renderSearch } from "./search";

const main = document.getElementById("main") as HTMLElement;
const account = document.getElementById("account") as HTMLElement;
let leavePage: (() => void) | null = null;

function route(): void {
  leavePage?.();
  leavePage = null;
  clear(main);
  const match = /^\/q\/([^/]+)\/?$/.exec(location.pathname);
  const compared = /^\/compare\/([^/]+)\/([^/]+)\/?$/.exec(location.pathname);
  if (match) {
    leavePage = renderResultPage(main, decodeURIComponent(match[1]));
  } else if (compared) {
    leavePage = renderComparePage(main, decodeURIComponent(compared[1]), decodeURIComponent(compared[2]));
  } else if (location.pathname === "/history") {
    document.title = "History · Drux";
    void renderHistory(main);
  } else {
    document.title = "Drux";
    void renderSearch(main);
  }
  // Moves focus to the new page's heading so screen readers announce the change.
  const heading = main.querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }
}

function renderAccount(): void {
  clear(account);
  const user = api.user();
  if (user) {
    const signOut = h("button", { type: "button", class: "link-button" }, "Sign out");
    signOut.addEventListener("click", async () => {
      signOut.disabled = true;
      try {
        await api.signOut();
        route();
      } catch (error) {
        signOut.disabled = false;
        alert(error instanceof Error ? error.message : String(error));
      }
    });
    account.append(
      h("span", { class: "who", "data-testid": "signed-in-as" }, user.email,
        user.tier === "premium" ? h("span", { class: "badge premium" }, "Premium") : null),
      signOut,
    );
  } else {
    const signIn = h("button", { type: "button", class: "link-button" }, "Sign in");
    const signUp = h("button", { type: "button", class: "link-button strong" }, "Sign up free");
    signIn.addEventListener("click", () => openAuthDialog("signin", route));
    signUp.addEventListener("click", () => openAuthDialog("signup", route));
    account.append(signIn, signUp);
  }
}

// In-app links navigate without a reload; modified clicks keep the browser's behaviour.
document.addEventListener("click", (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = (event.target as Element).closest?.("a[data-nav]");
  if (!(link instanceof HTMLAnchorElement) || link.origin !== location.origin) return;
  event.preventDefault();
  navigate(link.pathname + link.search);
});
window.addEventListener("popstate", route);
api.onUserChange(renderAccount);

api.loadMe().then(route, (error: unknown) => {
  renderAccount();
  route();
  main.prepend(h("p", { class: "error", role: "alert" },
    "Drux cannot reach its server: " + (error instanceof Error ? error.message : String(error))));
});
