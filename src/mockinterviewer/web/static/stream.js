// The browser interview with a model: the interviewer's words appear as the model produces them.
// Loaded only when a model is configured (see web/interview_pages.py and web/streaming.py). Send, Skip
// and Continue post the same form to ".../stream" and read the answer as newline-delimited JSON events;
// everything received is shown with textContent, never parsed as HTML. When the answer ends, the page
// is opened again and shows the turns as recorded. Without this script every button is a plain form
// post and the interview works the same, only without the words arriving piece by piece.
(function () {
  "use strict";
  var NOTES = "mockinterviewer-notes:"; // + page address: notes carried over the reload (sessionStorage)
  var STREAMED = ["send", "skip", "continue"]; // the buttons after which the interviewer speaks

  // "New interview": ask the server to leave the opening words to the interview page, which streams them.
  var start = document.querySelector("form[data-stream-start]");
  if (start) {
    var flag = document.createElement("input");
    flag.type = "hidden";
    flag.name = "stream";
    flag.value = "1";
    start.appendChild(flag);
    return;
  }

  var form = document.getElementById("reply");
  var live = document.getElementById("live");
  if (!form || !live || !form.getAttribute("data-stream") || !window.fetch || !window.TextDecoder ||
      !window.URLSearchParams) {
    return;
  }
  var page = form.getAttribute("action");
  var notesBox = document.createElement("div");
  live.parentNode.insertBefore(notesBox, live.nextSibling);
  var current = null; // the text element of the utterance arriving now
  var busy = false;
  var plainPost = false;
  var finished = false;

  function note(text, isError) { // an error is the red alert, as the server's own error line is
    var p = document.createElement("p");
    p.className = isError ? "error" : "flash note";
    p.setAttribute("role", isError ? "alert" : "status");
    p.textContent = text;
    notesBox.appendChild(p);
  }

  function storage() { // null where the browser refuses it (some private modes): the notes are then lost
    try {
      return window.sessionStorage;
    } catch (refused) {
      return null;
    }
  }

  function showKeptNotes() {
    var store = storage();
    var kept = store && store.getItem(NOTES + page);
    if (!kept) {
      return;
    }
    store.removeItem(NOTES + page);
    try {
      var saved = JSON.parse(kept);
      var texts = Array.isArray(saved) ? saved : saved.notes;  // [..]: notes; {error, notes}: an error's
      texts.forEach(function (text) { note(String(text), Boolean(saved.error)); });
    } catch (ignored) {
      // notes written by an older version of this script: nothing to show
    }
  }

  function turn(speaker, kind) {
    var article = document.createElement("article");
    article.className = "turn " + speaker + (speaker === "interviewer" ? " streaming" : "");
    var header = document.createElement("header");
    var who = document.createElement("span");
    who.className = "speaker";
    who.textContent = speaker;
    var what = document.createElement("span");
    what.className = "kind";
    what.textContent = kind;
    header.appendChild(who);
    header.appendChild(document.createTextNode(" "));
    header.appendChild(what);
    var text = document.createElement("div");
    text.className = "text";
    article.appendChild(header);
    article.appendChild(text);
    live.appendChild(article);
    return text;
  }

  function setButtons(disabled) {
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = disabled; });
  }

  function handle(event) {
    if (event.type === "partial") {
      if (!current) {
        current = turn("interviewer", "speaking");
      }
      current.textContent += event.text;
    } else if (event.type === "retract") {
      if (current) {
        current.textContent = "";
      }
    } else if (event.type === "say") {
      var text = current || turn("interviewer", "");
      text.textContent = event.text;
      text.parentNode.querySelector(".kind").textContent = String(event.kind).replace(/_/g, " ");
      text.parentNode.classList.remove("streaming");
      current = null;
    } else if (event.type === "done" || event.type === "error") {
      var notes = event.type === "done" ? event.notes : [event.message];
      var store = storage();
      if (store && notes && notes.length) {
        try {
          store.setItem(NOTES + event.location, JSON.stringify({notes: notes, error: event.type === "error"}));
        } catch (full) {
          // no room: the page opens without these notes
        }
      }
      finished = true;
      window.location.assign(event.location);
    }
  }

  function read(reader) {
    var decoder = new TextDecoder();
    var buffered = "";
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) {
          if (!finished) { // the answer broke off: the page shows what was recorded
            window.location.assign(page);
          }
          return undefined;
        }
        buffered += decoder.decode(chunk.value, {stream: true});
        var lines = buffered.split("\n");
        buffered = lines.pop();
        lines.forEach(function (line) {
          if (line.trim()) {
            handle(JSON.parse(line));
          }
        });
        return pump();
      });
    }
    return pump();
  }

  function post(submitter) { // the form as without this script (the server says why it refused, if it does)
    plainPost = true;
    busy = false;
    setButtons(false);
    if (submitter && form.requestSubmit) {
      form.requestSubmit(submitter);
    } else {
      form.submit();
    }
  }

  function stream(action, submitter) {
    var data = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.name !== "action" && !field.disabled && field.tagName !== "BUTTON") {
        data.append(field.name, field.value);
      }
    });
    data.append("action", action);
    busy = true;
    setButtons(true);
    if (action !== "continue") {
      turn("candidate", action === "skip" ? "skip" : "answer").textContent =
        action === "skip" ? "/skip" : String(data.get("text") || "");
    }
    window.fetch(form.getAttribute("data-stream"), {
      method: "POST", body: data, credentials: "same-origin", headers: {"Accept": "application/x-ndjson"},
    }).then(function (response) {
      var type = response.headers.get("content-type") || "";
      if (!response.ok || type.indexOf("application/x-ndjson") !== 0 || !response.body) {
        post(submitter); // refused before any reply was taken
        return undefined;
      }
      return read(response.body.getReader());
    }).catch(function () {
      window.location.assign(page);
    });
  }

  form.addEventListener("submit", function (event) {
    if (plainPost) {
      return;
    }
    var submitter = event.submitter;
    var action = submitter && submitter.name === "action" ? submitter.value : "send";
    if (STREAMED.indexOf(action) < 0) {
      return; // Repeat, Time left, Quit: the interviewer says nothing new; a plain post
    }
    event.preventDefault();
    if (!busy) {
      stream(action, submitter);
    }
  });

  showKeptNotes();
  // A session just started from "New interview" has no turn yet: its opening streams at once.
  if (form.hasAttribute("data-continue") && !document.querySelector("article.turn:not(.streaming)")) {
    stream("continue", form.querySelector("button[value=continue]"));
  }
})();
