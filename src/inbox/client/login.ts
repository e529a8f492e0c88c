/** The login form: workspace (slug), username and password. */
import { ApiError, api, type Me } from "./api.js";
import { el } from "./dom.js";

const LAST_WORKSPACE = "kith-inbox-workspace";

export function renderLogin(root: HTMLElement, onLoggedIn: (me: Me) => void, notice?: string): void {
  const field = (id: string, label: string, input: HTMLInputElement) =>
    el("div", { class: "field" }, [el("label", { for: id }, [label]), input]);
  const workspace = el("input", {
    id: "login-workspace",
    name: "workspace",
    autocomplete: "organization",
    required: true,
    autocapitalize: "none",
    spellcheck: "false",
  });
  workspace.value = localStorage.getItem(LAST_WORKSPACE) ?? "";
  const username = el("input", {
    id: "login-username",
    name: "username",
    autocomplete: "username",
    required: true,
    autocapitalize: "none",
    spellcheck: "false",
  });
  const password = el("input", {
    id: "login-password",
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const error = el("p", { class: "form-error", role: "alert" });
  const submit = el("button", { type: "submit", class: "primary" }, ["Log in"]);
  const form = el("form", { class: "login", "aria-labelledby": "login-title" }, [
    el("h1", { id: "login-title" }, ["Kith inbox"]),
    notice ? el("p", { class: "notice" }, [notice]) : null,
    field("login-workspace", "Workspace", workspace),
    field("login-username", "Username", username),
    field("login-password", "Password", password),
    error,
    submit,
  ]);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    submit.disabled = true;
    try {
      const me = await api.login(workspace.value.trim(), username.value.trim(), password.value);
      localStorage.setItem(LAST_WORKSPACE, workspace.value.trim());
      onLoggedIn(me);
    } catch (failure) {
      error.textContent = failure instanceof ApiError ? failure.message : "Login failed.";
      password.value = "";
      password.focus();
    } finally {
      submit.disabled = false;
    }
  });
  root.replaceChildren(el("main", { class: "login-page" }, [form]));
  (workspace.value ? username : workspace).focus();
}
