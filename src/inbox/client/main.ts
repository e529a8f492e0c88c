/** The inbox page: the login form, or the inbox once an agent is logged in. */
import { ApiError, api, type Me } from "./api.js";
import { el } from "./dom.js";
import { startInbox } from "./inbox.js";
import { renderLogin } from "./login.js";

const root = document.getElementById("app")!;

function showLogin(notice?: string): void {
  renderLogin(root, showInbox, notice);
}

function showInbox(me: Me): void {
  startInbox(root, me, { loggedOut: showLogin });
}

api.me().then(showInbox, (error: unknown) => {
  if (error instanceof ApiError && error.status === 401) return showLogin();
  root.replaceChildren(
    el("main", { class: "login-page" }, [
      el("p", { class: "form-error", role: "alert" }, [
        error instanceof Error ? error.message : "The inbox could not start.",
      ]),
    ]),
  );
});
