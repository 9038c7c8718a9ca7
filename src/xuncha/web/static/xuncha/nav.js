// The phone menu: the checkbox in base.html opens it without JS; here the button also answers
// the keyboard and tells screen readers whether the menu is open (no inline handlers: CSP).
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.getElementById("menu-toggle");
  const button = document.querySelector(".menu-button");
  if (!toggle || !button) return;
  button.setAttribute("role", "button");
  button.setAttribute("tabindex", "0");
  const sync = () => button.setAttribute("aria-expanded", String(toggle.checked));
  toggle.addEventListener("change", sync);
  button.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      toggle.checked = !toggle.checked;
      sync();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && toggle.checked) {
      toggle.checked = false;
      sync();
      button.focus();
    }
  });
});
