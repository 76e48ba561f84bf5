// Behaviour hangs off data-* attributes; htmx does the fetching.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-expand]");
  if (!button) return;
  const open = button.getAttribute("aria-expanded") === "true";
  button.setAttribute("aria-expanded", String(!open));
  button.textContent = open ? "+" : "−";
  const list = button.parentElement.querySelector(":scope > ul.children");
  if (list) list.hidden = open;
});

// The site menu on a narrow screen: folded behind its button once this script runs (without
// script the CSS leaves it open, so every link stays reachable).
(() => {
  const header = document.querySelector(".site-header");
  const toggle = header && header.querySelector(".menu-toggle");
  if (!toggle) return;
  header.classList.add("js-menu");
  toggle.addEventListener("click", () => {
    const open = header.classList.toggle("menu-open");
    toggle.setAttribute("aria-expanded", String(open));
  });
})();

// Forms that undo something (form[data-confirm]): ask first.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

// Forms that take a few seconds (rendering a request): say so, and refuse a second click.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-busy-text]");
  if (!form || event.defaultPrevented) return;
  const button = form.querySelector('button[type="submit"]');
  if (!button) return;
  if (form.getAttribute("aria-busy") === "true") {
    event.preventDefault();
    return;
  }
  form.setAttribute("aria-busy", "true");
  button.setAttribute("aria-disabled", "true");
  const status = document.createElement("span");
  status.className = "busy";
  status.setAttribute("role", "status");
  status.textContent = form.dataset.busyText;
  button.after(status);
});

// Resumable upload of large files (form[data-resumable-upload]). Files up to the threshold
// go through the plain form; larger ones are sliced and PUT chunk by chunk at the offset the
// server confirms. The session id is remembered per case and file (name, size, date), so
// choosing the same file again after a reload continues where it stopped.
(() => {
  const RETRIES = 6;
  const POLL_MS = 2000;
  const MB = 1024 * 1024;

  const fill = (text, values) =>
    text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  class Stopped extends Error {}

  function setUp(form) {
    const input = form.querySelector('input[type="file"]');
    if (!input || !window.fetch || !window.Blob || !Blob.prototype.slice) return;
    const threshold = Number(form.dataset.uploadThreshold);
    const status = form.querySelector("[data-upload-status]");
    const bar = form.querySelector("[data-upload-bar]");
    const line = form.querySelector("[data-upload-text]");
    const resume = form.querySelector("[data-upload-resume]");
    const submit = form.querySelector('button[type="submit"]');
    const note = form.querySelector("[data-upload-note]");
    if (note) note.hidden = false;
    const texts = form.dataset;
    const token = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
    const headers = { "X-CSRFToken": token, Accept: "application/json" };
    let busy = false;

    const say = (text) => {
      status.hidden = false;
      line.textContent = text;
    };
    const progress = (offset, size) => {
      bar.max = size;
      bar.value = offset;
      say(fill(texts.textProgress, {
        sent: (offset / MB).toFixed(offset < 10 * MB ? 1 : 0),
        total: (size / MB).toFixed(size < 10 * MB ? 1 : 0),
      }));
    };
    const call = async (url, options = {}) => {
      const response = await fetch(url, {
        credentials: "same-origin",
        ...options,
        headers: { ...headers, ...(options.headers || {}) },
      });
      let body = {};
      if ((response.headers.get("Content-Type") || "").includes("application/json")) {
        body = await response.json();
      }
      return { response, body };
    };
    // A refusal the server explains (4xx other than 409) is final; anything else is retried.
    const fatal = (response, body) => new Stopped(
      body.message || fill(texts.textFailed, { status: response.status }),
    );

    async function withRetries(attempt) {
      for (let tries = 0; ; tries += 1) {
        try {
          return await attempt();
        } catch (error) {
          if (error instanceof Stopped || tries >= RETRIES) throw error;
          const seconds = Math.min(2 ** tries, 30);
          say(fill(texts.textRetrying, { seconds }));
          await sleep(seconds * 1000);
        }
      }
    }

    async function session(file, key, base) {
      const known = localStorage.getItem(key);
      if (known) {
        const { response, body } = await call(`${base}${known}/`);
        if (response.ok && (body.status === "uploading" || body.status === "processing")) {
          return { url: `${base}${known}/`, ...body };
        }
        localStorage.removeItem(key); // stored, refused or gone: start afresh
      }
      const fields = new FormData(form);
      const { response, body } = await call(base, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          name: file.name,
          size: file.size,
          title: fields.get("title") || "",
          kind: fields.get("kind") || "",
          sha256: fields.get("sha256") || "",
        }),
      });
      if (response.status !== 201) {
        if (response.status >= 500) throw new Error(String(response.status));
        throw fatal(response, body);
      }
      localStorage.setItem(key, body.id);
      return body;
    }

    async function sendChunk(url, file, offset, size) {
      const { response, body } = await call(`${url}?offset=${offset}`, {
        method: "PUT",
        headers: { "Content-Type": "application/octet-stream" },
        body: file.slice(offset, Math.min(offset + size, file.size)),
      });
      if (response.ok || response.status === 409) {
        if (typeof body.offset !== "number") throw new Error("no offset");
        return body.offset; // on 409, where the server wants us to continue
      }
      if (response.status >= 500 || response.status === 429) {
        throw new Error(String(response.status));
      }
      throw fatal(response, body);
    }

    async function run(file) {
      const key = `rogatory-upload:${form.dataset.uploadKey}:${file.name}:${file.size}:${file.lastModified}`;
      const base = form.dataset.uploadUrl;
      say(texts.textStarting);
      const state = await withRetries(() => session(file, key, base));
      const url = state.url;
      let offset = state.offset;
      let done = null;
      while (!done) {
        while (offset < file.size) {
          progress(offset, file.size);
          const at = offset;
          offset = await withRetries(() => sendChunk(url, file, at, state.chunk_size));
        }
        progress(file.size, file.size);
        say(texts.textChecking);
        const answer = await withRetries(async () => {
          const { response, body } = await call(`${url}complete`, { method: "POST" });
          if (response.ok || body.status === "refused") return body;
          if (response.status === 409 && typeof body.offset === "number") return body;
          if (response.status >= 500) throw new Error(String(response.status));
          throw fatal(response, body);
        });
        if (answer.status) done = answer;
        else offset = answer.offset; // some bytes never arrived: send them again
      }
      while (done.status === "processing") {
        await sleep(POLL_MS);
        done = await withRetries(async () => {
          const { response, body } = await call(url);
          if (!response.ok) {
            if (response.status >= 500) throw new Error(String(response.status));
            throw fatal(response, body);
          }
          return body;
        });
      }
      localStorage.removeItem(key);
      if (done.status === "stored") {
        say(texts.textStored);
        // The case page afresh; not a plain reload() when this page answered a POST.
        const page = new URL(form.dataset.uploadDone, window.location.href);
        if (page.pathname === window.location.pathname) window.location.reload();
        else window.location.assign(page.href);
      } else {
        throw new Stopped(fill(texts.textRefused, { reason: done.problem || done.message || "" }));
      }
    }

    async function start(file) {
      if (busy) return;
      busy = true;
      submit.disabled = true;
      resume.hidden = true;
      try {
        await run(file);
      } catch (error) {
        if (error instanceof Stopped) {
          say(error.message);
        } else {
          say(texts.textStopped);
          resume.hidden = false;
        }
      } finally {
        busy = false;
        submit.disabled = false;
      }
    }

    form.addEventListener("submit", (event) => {
      const file = input.files && input.files[0];
      if (!file || file.size <= threshold) return; // the plain form
      event.preventDefault();
      start(file);
    });
    resume.addEventListener("click", () => {
      const file = input.files && input.files[0];
      if (file) start(file);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-resumable-upload]").forEach(setUp);
  });
})();

// --- Request writer: preview and print view (drafting) ---------------------------------------
// A button[data-print] prints the page (the print stylesheet hides the menus and tools).
(() => {
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("button[data-print]").forEach((button) => {
      button.addEventListener("click", () => window.print());
    });
  });
})();
// --- end of request writer: preview and print view --------------------------------------------
