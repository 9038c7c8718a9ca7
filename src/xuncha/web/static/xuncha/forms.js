// Forms lose nothing: a refused form comes back (after the redirect) with what was typed.
// On submit each form's values are kept in this tab's sessionStorage; when the next page of the
// same address shows an error message, they are put back into the same form (opened, scrolled
// to); any other outcome forgets them. Files and passwords are never kept (browsers forbid the
// one, prudence the other); a form may opt out with data-keep="no".
(() => {
  const PREFIX = "xuncha-form:";
  const MAX_AGE_MS = 10 * 60 * 1000;
  const SKIPPED = new Set(["hidden", "password", "file", "submit", "button", "reset", "image"]);

  const identity = (form) => {
    if (form.id) return "#" + form.id;
    const action = form.getAttribute("action") || "";
    const same = [...document.forms].filter((f) => !f.id && (f.getAttribute("action") || "") === action);
    return action + "|" + same.indexOf(form);
  };
  const key = (form) => PREFIX + location.pathname + location.search + "|" + identity(form);
  const kept = (form) =>
    form.method.toLowerCase() === "post" && form.dataset.keep !== "no" && !form.querySelector("input[type=password]");

  const save = (form) => {
    const fields = [];
    for (const el of form.elements) {
      if (!el.name || SKIPPED.has(el.type)) continue;
      if (el.type === "checkbox" || el.type === "radio") fields.push([el.name, el.value, el.checked]);
      else if (el.tagName === "SELECT" && el.multiple)
        fields.push([el.name, [...el.selectedOptions].map((o) => o.value), null]);
      else fields.push([el.name, el.value, null]);
    }
    try {
      sessionStorage.setItem(key(form), JSON.stringify({ at: Date.now(), fields }));
    } catch (_) {
      /* storage full or disabled: nothing to keep */
    }
  };

  const restore = (form, saved) => {
    const used = new Map();
    for (const [name, value, checked] of saved.fields) {
      const candidates = [...form.elements].filter((el) => el.name === name && !SKIPPED.has(el.type));
      if (checked !== null) {
        const box = candidates.find((el) => el.value === value);
        if (box) box.checked = checked;
        continue;
      }
      const index = used.get(name) || 0; // several fields of one name: in order
      used.set(name, index + 1);
      const el = candidates[index];
      if (!el) continue;
      if (el.tagName === "SELECT" && el.multiple) {
        for (const option of el.options) option.selected = value.includes(option.value);
      } else {
        el.value = value;
      }
    }
    for (let node = form; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    form.classList.add("restored");
  };

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form instanceof HTMLFormElement && kept(form)) save(form);
  });

  document.addEventListener("DOMContentLoaded", () => {
    const refused = document.querySelector(".messages .msg-error");
    const here = PREFIX + location.pathname + location.search + "|";
    let first = null;
    for (const form of document.forms) {
      if (!kept(form)) continue;
      const raw = sessionStorage.getItem(key(form));
      if (!raw) continue;
      try {
        const saved = JSON.parse(raw);
        if (refused && Date.now() - saved.at < MAX_AGE_MS) {
          restore(form, saved);
          first = first || form;
        }
      } catch (_) {
        /* a damaged entry: forgotten below */
      }
    }
    // Whatever happened, what was kept for this address has served its turn; old entries go too.
    for (let i = sessionStorage.length - 1; i >= 0; i -= 1) {
      const name = sessionStorage.key(i);
      if (!name || !name.startsWith(PREFIX)) continue;
      let stale = name.startsWith(here);
      if (!stale) {
        try {
          stale = Date.now() - JSON.parse(sessionStorage.getItem(name)).at > MAX_AGE_MS;
        } catch (_) {
          stale = true;
        }
      }
      if (stale) sessionStorage.removeItem(name);
    }
    if (first) first.scrollIntoView({ block: "center" });
  });
})();
