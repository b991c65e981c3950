// Client-side navigation: the shell re-renders on popstate, which this fires too.
export function navigate(path: string): void {
  if (path !== location.pathname + location.search) history.pushState(null, "", path);
  window.dispatchEvent(new PopStateEvent("popstate"));
}
