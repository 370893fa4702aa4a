// The live-coding editor: Ace (vendored, static/vendor/ace) over the plain textarea of code_editor.html.
// Syntax highlighting and indentation per language; the language picker keeps a draft per language and
// starts a new one from that language's signature. Without this script the textarea still works.
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

  var drafts = {};
  var current = picker.value;
  picker.addEventListener("change", function () {
    drafts[current] = editor.getValue();
    current = picker.value;
    var next = Object.prototype.hasOwnProperty.call(drafts, current) ? drafts[current] : (stubs[current] || "");
    editor.session.setMode(modes[current]);
    editor.setValue(next, -1);
    editor.focus();
  });
  form.addEventListener("submit", function () {
    textarea.value = editor.getValue();
  });
})();
