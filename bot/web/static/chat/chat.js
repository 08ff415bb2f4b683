/* Magnetic Factors web chat: sends messages to /chat/api/message, keeps the chat in this browser, and renders
   every text with textContent (never as HTML). No libraries, no requests to any other site. */
(function () {
  "use strict";

  var STORE_KEY = "mf-webchat-v1";
  var MAX_ITEMS = 400;
  var API_URL = "/chat/api/message";
  var SENDER_PATTERN = /^[0-9a-f]{32}$/;
  // Resume codes use only these consonants (bot/activity/flow.py _CODE_LETTERS): a typo never goes out as an answer.
  var CODE_PATTERN = /^\s*([BCDFGHJKLMNPQRSTVWXZ]{4})\s*-?\s*(\d{3})\s*$/i;
  var RATINGS = { strength: "+", stressor: "\u2212", both: "\u00b1" };
  var ERRORS = {
    too_long: "That message is too long to send. Please make it shorter.",
    unavailable: "Sorry, the chat can't be reached right now. Your message was not sent: please try again in a moment.",
    network: "Your message could not be sent. Check your internet connection and try again.",
    too_many_codes: "Too many codes were tried from here. Please wait a few minutes, then try your code again.",
    bad_text: "Some characters in that message could not be sent. Please type it again.",
    other: "Sorry, something went wrong and your message was not sent. Please try again."
  };

  var root = document.getElementById("chat");
  var log = document.getElementById("log");
  var startPanel = document.getElementById("start");
  var startButton = document.getElementById("start-button");
  var composer = document.getElementById("composer");
  var textarea = document.getElementById("message");
  var counter = document.getElementById("message-count");
  var statusLine = document.getElementById("status");
  var resumeBox = document.getElementById("resume");
  var resumeForm = document.getElementById("resume-form");
  var resumeInput = document.getElementById("resume-code");
  var resumeStatus = document.getElementById("resume-status");
  var forgetBox = document.getElementById("forget");
  var forgetButton = document.getElementById("forget-button");

  var answerChars = parseInt(root.getAttribute("data-answer-chars"), 10) || 4000;
  var storageWorks = true;
  var busy = false;
  var summaryCount = 0;
  var state = readStore();

  // ---- identity and storage ------------------------------------------------------------------
  function newSender() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function freshState() {
    return { v: 1, sender: newSender(), items: [] };
  }

  function readStore() {
    try {
      var raw = window.localStorage.getItem(STORE_KEY);
      if (raw) {
        var saved = JSON.parse(raw);
        if (saved && saved.v === 1 && SENDER_PATTERN.test(saved.sender) && Array.isArray(saved.items)) {
          return saved;
        }
      }
    } catch (e) {
      storageWorks = false;
    }
    return freshState();
  }

  function save() {
    if (state.items.length > MAX_ITEMS) {
      state.items = state.items.slice(state.items.length - MAX_ITEMS);
    }
    try {
      window.localStorage.setItem(STORE_KEY, JSON.stringify(state));
      storageWorks = true;
    } catch (e) {
      if (storageWorks) {
        setStatus(statusLine, "This browser is not keeping a copy of the chat, so it will be gone if you close this page. Your answers are still saved with us.", false);
      }
      storageWorks = false;
    }
  }

  // ---- building the page (textContent only) --------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function textBubble(who, text) {
    var bubble = el("div", "msg " + who);
    bubble.appendChild(el("span", "visually-hidden", who === "user" ? "You said: " : "Helper said: "));
    bubble.appendChild(el("p", null, text));
    return bubble;
  }

  function names(factors, rating) {
    var picked = factors.filter(function (f) { return f.rating === rating; }).map(function (f) { return f.name; });
    return picked.length ? picked.join(", ") : "none";
  }

  function summaryBlock(custom) {
    var body = custom.summary && typeof custom.summary === "object" ? custom.summary : null;
    var labels = custom.labels && typeof custom.labels === "object" ? custom.labels : {};
    var factors = body && Array.isArray(body.factors) ? body.factors : null;
    if (!factors) {
      return textBubble("bot", typeof custom.text === "string" ? custom.text : "");
    }
    summaryCount += 1;
    var section = el("section", "summary");
    var heading = el("h3", null, custom.title || "Your Magnetic Factors Summary");
    heading.id = "summary-" + summaryCount;
    section.setAttribute("aria-labelledby", heading.id);
    section.appendChild(heading);

    var overview = el("dl");
    [["strength", labels.strengths || "Strengths"], ["stressor", labels.stressors || "Stressors"], ["both", labels.both || "Both or not sure"]]
      .forEach(function (pair) {
        overview.appendChild(el("dt", null, pair[1]));
        overview.appendChild(el("dd", null, names(factors, pair[0])));
      });
    var byId = {};
    factors.forEach(function (f) { byId[f.id] = f.name; });
    var priorities = (Array.isArray(body.priorities) ? body.priorities : []).map(function (id) { return byId[id]; }).filter(Boolean);
    overview.appendChild(el("dt", null, labels.priorities || "Top priorities"));
    overview.appendChild(el("dd", null, priorities.length ? priorities.join(", ") : "none"));
    section.appendChild(overview);

    var list = el("ul", "factors");
    factors.forEach(function (f) {
      var known = Object.prototype.hasOwnProperty.call(RATINGS, f.rating);
      var item = el("li", "factor " + (known ? "rating-" + f.rating : "rating-none"));
      item.appendChild(el("h4", null, f.name));
      var rating = el("p", "rating");
      var mark = el("span", "mark", known ? RATINGS[f.rating] : "\u2013");
      mark.setAttribute("aria-hidden", "true");
      rating.appendChild(mark);
      rating.appendChild(document.createTextNode(f.rating_label || labels.skipped || "(skipped)"));
      item.appendChild(rating);
      if (typeof f.reflection === "string" && f.reflection) {
        var words = el("blockquote", null, f.reflection);
        words.setAttribute("aria-label", "In your words");
        item.appendChild(words);
      } else {
        item.appendChild(el("p", "none", f.reflection_skipped ? (labels.skipped || "(skipped)") : (labels.not_answered || "(no answer)")));
      }
      list.appendChild(item);
    });
    section.appendChild(list);

    if (body.clarity_before != null || body.clarity_after != null) {
      var before = body.clarity_before != null ? body.clarity_before : "-";
      var after = body.clarity_after != null ? body.clarity_after : "-";
      section.appendChild(el("p", "clarity", "Clarity: " + before + " at the start, " + after + " now (out of 5)."));
    }
    return section;
  }

  function itemNode(item) {
    if (item.from === "user") { return textBubble("user", item.text); }
    if (item.custom && item.custom.type === "mf_summary") { return summaryBlock(item.custom); }
    return textBubble("bot", item.text || "");
  }

  function choicesNode(buttons) {
    var group = el("div", "choices");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Choices");
    buttons.forEach(function (button, index) {
      var choice = el("button", "choice");
      choice.type = "button";
      var number = String(index + 1);
      if (button.title !== number) {
        choice.appendChild(el("span", "num", number));
      }
      choice.appendChild(document.createTextNode(button.title));
      choice.addEventListener("click", function () {
        send(button.payload, { focusChoices: true });
      });
      group.appendChild(choice);
    });
    return group;
  }

  function lastChoices() {
    var last = state.items[state.items.length - 1];
    return last && last.from === "bot" && Array.isArray(last.buttons) && last.buttons.length ? last.buttons : null;
  }

  // Only the latest question's choices are offered: older ones would answer a question no longer asked.
  function refreshChoices() {
    Array.prototype.forEach.call(log.querySelectorAll(".choices"), function (node) { node.remove(); });
    var buttons = lastChoices();
    if (buttons) {
      var group = choicesNode(buttons);
      log.appendChild(group);
      return group;
    }
    return null;
  }

  function renderAll() {
    log.setAttribute("aria-live", "off"); // restoring the transcript is not news: do not read it all out
    log.textContent = "";
    summaryCount = 0;
    var fragment = document.createDocumentFragment();
    state.items.forEach(function (item) { fragment.appendChild(itemNode(item)); });
    log.appendChild(fragment);
    refreshChoices();
    updateStart();
    window.setTimeout(function () { log.setAttribute("aria-live", "polite"); }, 0);
  }

  function updateStart() {
    startPanel.hidden = state.items.length > 0;
  }

  function setStatus(node, text, isError) {
    node.textContent = text || "";
    node.classList.toggle("error", Boolean(isError));
  }

  function reveal(first) {
    if (!first) { return; }
    var last = log.lastElementChild;
    var limit = composer.getBoundingClientRect().top;
    if (getComputedStyle(composer).position !== "sticky") { limit = window.innerHeight; }
    var top = first.getBoundingClientRect().top;
    var overshoot = last.getBoundingClientRect().bottom - limit + 16;
    if (overshoot > 0) {
      window.scrollBy(0, Math.min(overshoot, Math.max(0, top - 16)));
    }
  }

  // ---- talking to the bot --------------------------------------------------------------------
  function toItem(message) {
    if (!message || typeof message !== "object") { return null; }
    if (message.custom && typeof message.custom === "object") {
      return { from: "bot", custom: message.custom, text: typeof message.text === "string" ? message.text : "" };
    }
    if (typeof message.text !== "string") { return null; }
    var item = { from: "bot", text: message.text };
    if (Array.isArray(message.buttons)) {
      item.buttons = message.buttons
        .filter(function (b) { return b && typeof b.title === "string" && typeof b.payload === "string"; })
        .map(function (b) { return { title: b.title, payload: b.payload }; });
    }
    return item;
  }

  function errorCode(response) {
    return response.json().then(function (body) { return body && ERRORS[body.error] ? body.error : "other"; }, function () { return "other"; });
  }

  // Sends one message; resolves true when the bot answered, false when it was not sent.
  function send(text, options) {
    options = options || {};
    if (busy) {
      setStatus(statusLine, "Please wait for the reply to your last message.", false);
      return Promise.resolve(false);
    }
    busy = true;
    composer.setAttribute("aria-busy", "true");
    setStatus(statusLine, "", false);
    var userItem = { from: "user", text: text };
    state.items.push(userItem);
    save();
    Array.prototype.forEach.call(log.querySelectorAll(".choices"), function (node) { node.remove(); });
    var bubble = itemNode(userItem);
    log.appendChild(bubble);
    updateStart();
    reveal(bubble);
    var slow = window.setTimeout(function () { setStatus(statusLine, "Waiting for the reply\u2026", false); }, 1200);

    return window.fetch(API_URL, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.sender, message: text }),
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (response) {
      if (!response.ok) { return errorCode(response).then(function (code) { throw new Error(code); }); }
      return response.json();
    }, function () {
      throw new Error("network");
    }).then(function (messages) {
      var items = (Array.isArray(messages) ? messages : []).map(toItem).filter(Boolean);
      var first = null;
      items.forEach(function (item) {
        state.items.push(item);
        var node = itemNode(item);
        log.appendChild(node);
        first = first || node;
      });
      save();
      var choices = refreshChoices();
      setStatus(statusLine, "", false);
      reveal(first);
      if (options.focusChoices) {
        (choices ? choices.querySelector("button") : textarea).focus();
      }
      return true;
    }).catch(function (error) {
      // Take the unsent message back out of the chat so the conversation shows only what the bot received.
      var index = state.items.lastIndexOf(userItem);
      if (index >= 0) { state.items.splice(index, 1); }
      save();
      bubble.remove();
      updateStart();
      refreshChoices();
      setStatus(statusLine, ERRORS[error.message] || ERRORS.other, true);
      return false;
    }).then(function (sent) {
      window.clearTimeout(slow);
      busy = false;
      composer.removeAttribute("aria-busy");
      return sent;
    });
  }

  // ---- the message box -----------------------------------------------------------------------
  function updateCounter() {
    var length = textarea.value.length;
    var show = length > answerChars * 0.9;
    counter.hidden = !show;
    counter.textContent = show ? length.toLocaleString("en") + " of " + answerChars.toLocaleString("en") + " characters" : "";
    counter.classList.toggle("over", length > answerChars);
  }

  function submitComposer() {
    var text = textarea.value;
    if (!text.trim()) {
      textarea.setAttribute("aria-invalid", "true");
      setStatus(statusLine, "Please type a message first, or pick one of the choices.", true);
      textarea.focus();
      return;
    }
    if (text.length > answerChars) {
      textarea.setAttribute("aria-invalid", "true");
      setStatus(statusLine, "That's " + text.length.toLocaleString("en") + " characters. An answer can be up to " +
        answerChars.toLocaleString("en") + ": please make it shorter. Nothing was sent.", true);
      textarea.focus();
      return;
    }
    if (busy) {
      setStatus(statusLine, "Please wait for the reply to your last message.", false);
      return;
    }
    textarea.value = "";
    updateCounter();
    send(text).then(function (sent) {
      if (!sent && !textarea.value) {
        textarea.value = text;
        updateCounter();
      }
    });
  }

  composer.addEventListener("submit", function (event) {
    event.preventDefault();
    submitComposer();
  });

  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey && !event.isComposing) {
      event.preventDefault();
      submitComposer();
    }
  });

  textarea.addEventListener("input", function () {
    textarea.removeAttribute("aria-invalid");
    if (statusLine.classList.contains("error")) { setStatus(statusLine, "", false); }
    updateCounter();
  });

  startButton.addEventListener("click", function () {
    send("Hi", { focusChoices: true });
  });

  // ---- continuing with a code from another device --------------------------------------------
  resumeForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var match = CODE_PATTERN.exec(resumeInput.value);
    if (!match) {
      resumeInput.setAttribute("aria-invalid", "true");
      setStatus(resumeStatus, "A code has 4 letters and 3 numbers, like KTPW-482. Please check it and try again.", true);
      resumeInput.focus();
      return;
    }
    resumeInput.removeAttribute("aria-invalid");
    var code = match[1].toUpperCase() + "-" + match[2];
    setStatus(resumeStatus, "", false);
    send(code, { focusChoices: true }).then(function (sent) {
      if (sent) {
        resumeInput.value = "";
        resumeBox.open = false;
      } else {
        setStatus(resumeStatus, statusLine.textContent, true);
      }
    });
  });

  resumeInput.addEventListener("input", function () {
    resumeInput.removeAttribute("aria-invalid");
    setStatus(resumeStatus, "", false);
  });

  // ---- shared computers ----------------------------------------------------------------------
  forgetButton.addEventListener("click", function () {
    try { window.localStorage.removeItem(STORE_KEY); } catch (e) { /* nothing stored */ }
    state = freshState();
    save();
    renderAll();
    forgetBox.open = false;
    setStatus(statusLine, "This browser no longer shows your chat. Press Start to begin a new one.", false);
    startButton.focus();
  });

  // Another tab of the same browser changed the chat: show the same conversation here.
  window.addEventListener("storage", function (event) {
    if (event.key === STORE_KEY && !busy) {
      state = readStore();
      renderAll();
    }
  });

  save();
  renderAll();
})();
