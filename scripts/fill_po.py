"""Fill the empty translations of a gettext catalog from a JSON dictionary.

    python scripts/fill_po.py locale/en/LC_MESSAGES/django.po translations.json   # fill
    python scripts/fill_po.py locale/en/LC_MESSAGES/django.po --missing           # list what is untranslated

The JSON maps each msgid to its translation (a string, or [singular, plural] for plural messages).
Entries already translated are kept; "fuzzy" flags of filled entries are removed. Pure standard library,
so it runs where polib is not installed.
"""

import json
import re
import sys

ESCAPES = {"\\n": "\n", '\\"': '"', "\\\\": "\\", "\\t": "\t"}


def unquote(text):
    return re.sub(r'\\[n"\\t]', lambda m: ESCAPES[m.group(0)], text)


def quote(text):
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    if "\n" not in text.rstrip("\n") or len(text) < 70:
        return '"' + text.replace("\n", "\\n") + '"'
    parts = text.split("\n")
    lines = [p + "\\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    return '""\n' + "\n".join(f'"{line}"' for line in lines)


def parse(path):
    """Entries as dicts: comments (list of lines), and keys msgctxt/msgid/msgid_plural/msgstr/msgstr[n]."""
    entries, entry, key = [], {"comments": []}, None
    for line in open(path, encoding="utf-8").read().splitlines() + [""]:
        if not line.strip():
            if len(entry) > 1 or entry["comments"]:
                entries.append(entry)
            entry, key = {"comments": []}, None
        elif line.startswith("#"):
            entry["comments"].append(line)
        elif line.startswith('"'):
            entry[key] += unquote(line[1:-1])
        else:
            key, _, value = line.partition(" ")
            entry[key] = unquote(value.strip()[1:-1])
    return entries


def write(path, entries):
    out = []
    for entry in entries:
        out.extend(entry["comments"])
        for key in ("msgctxt", "msgid", "msgid_plural", "msgstr", "msgstr[0]", "msgstr[1]"):
            if key in entry:
                out.append(f"{key} {quote(entry[key])}")
        out.append("")
    open(path, "w", encoding="utf-8").write("\n".join(out))


def untranslated(entry):
    if not entry.get("msgid"):
        return False  # the header
    if "msgid_plural" in entry:
        return not entry.get("msgstr[0]") or any("fuzzy" in c for c in entry["comments"] if c.startswith("#,"))
    return not entry.get("msgstr") or any("fuzzy" in c for c in entry["comments"] if c.startswith("#,"))


def main(po_path, source):
    entries = parse(po_path)
    if source == "--missing":
        for entry in entries:
            if untranslated(entry):
                print(json.dumps(entry["msgid"], ensure_ascii=False) + (" [plural]" if "msgid_plural" in entry else ""))
        return
    translations = json.load(open(source, encoding="utf-8"))
    missing = []
    for entry in entries:
        if not untranslated(entry):
            continue
        text = translations.get(entry["msgid"])
        if text is None:
            missing.append(entry["msgid"])
            continue
        if "msgid_plural" in entry:
            singular, plural = (text, text) if isinstance(text, str) else text
            entry["msgstr[0]"], entry["msgstr[1]"] = singular, plural
        else:
            entry["msgstr"] = text
        # Translated now: no longer fuzzy, and msgmerge's "#| previous msgid" hint goes too.
        entry["comments"] = [c.replace("fuzzy, ", "").replace(", fuzzy", "") for c in entry["comments"]
                             if c.strip() != "#, fuzzy" and not c.startswith("#|")]
    write(po_path, entries)
    print(f"{len(missing)} still untranslated", *missing[:20], sep="\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
