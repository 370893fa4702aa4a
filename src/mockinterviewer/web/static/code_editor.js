// The live-coding editor: Ace (vendored, static/vendor/ace) over the plain textarea of code_editor.html.
// Syntax highlighting and indentation per language; the language picker keeps a draft per language and
// starts a new one from that language's signature. The drafts are kept in this browser (localStorage) as
// they are typed, so code not yet run survives sending a spoken or typed answer, or a reload. Without
// this script the textarea still works.
(function () {
  "use strict";
  var form = document.getElementById("code-form");
  var textarea = document.getElementById("code-text");
  var picker = document.getElementById("code-lang");
  var stubsData = document.getElementById("code-stubs");
  if (!form || !textarea || !picker || !stubsData || !window.ace) {
    return;
  }
  var stubs = JSON.parse(stubsData.textContent);
  var modes = {python: "ace/mode/python", javascript: "ace/mode/javascript", java: "ace/mode/java"};
  // The page's CSP is default-src 'self': no injected <style>; the CSS comes from static/code.css.
  window.ace.config.set("useStrictCSP", true);
  window.ace.config.set("basePath", "/static/vendor/ace");
  window.ace.config.set("loadWorkerFromBlob", false);

  var holder = document.createElement("div");
  holder.className = "code-editor";
  holder.id = "code-editor";
  textarea.parentNode.insertBefore(holder, textarea);
  textarea.hidden = true;
  var editor = window.ace.edit(holder, {
    mode: modes[picker.value],
    theme: "ace/theme/textmate",
    value: textarea.value,
    useWorker: false,
    tabSize: 4,
    useSoftTabs: true,
    showPrintMargin: false,
    minLines: 18,
    maxLines: 40,
  });
  editor.clearSelection();

  var draftKey = form.dataset.draftKey;
  var drafts = {};
  var current = picker.value;
  try {
    var kept = JSON.parse(window.localStorage.getItem(draftKey) || "null");
    if (kept && kept.drafts && Object.prototype.hasOwnProperty.call(modes, kept.lang) &&
        typeof kept.drafts[kept.lang] === "string" && picker.querySelector("option[value=" + kept.lang + "]")) {
      drafts = kept.drafts;
      current = kept.lang;
      picker.value = current;
      editor.session.setMode(modes[current]);
      editor.setValue(drafts[current], -1);
    }
  } catch (ignored) {
    // no storage here (private mode) or a draft from an older page: start from what the server sent
  }

  function keepDraft() {
    drafts[current] = editor.getValue();
    try {
      window.localStorage.setItem(draftKey, JSON.stringify({lang: current, drafts: drafts}));
    } catch (ignored) {
      // storage full or off: the draft lives as long as the page
    }
  }

  editor.session.on("change", keepDraft);
  picker.addEventListener("change", function () {
    keepDraft();
    current = picker.value;
    var next = Object.prototype.hasOwnProperty.call(drafts, current) ? drafts[current] : (stubs[current] || "");
    editor.session.setMode(modes[current]);
    editor.setValue(next, -1);
    keepDraft();
    editor.focus();
  });
  form.addEventListener("submit", function () {
    textarea.value = editor.getValue();
  });
})();
