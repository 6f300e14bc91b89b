#!/usr/bin/env python3
"""Convert the rigour YAML vocabularies (the rigour project's data directory, see NOTICE.md) into the compact JSON
files committed next to this script. Run once by hand when the vocabularies change:

    python3 src/modules/screening/engine/vocab/build-vocab.py <rigour data directory>

Only the sections the normaliser uses are kept, so the product ships no YAML parser and CI does
not need the source files. Requires PyYAML (developer machine only)."""
import json
import os
import sys

import yaml

src = sys.argv[1]
out = os.path.dirname(os.path.abspath(__file__))


def load(name):
    with open(os.path.join(src, name), encoding="utf-8") as f:
        return yaml.safe_load(f)


def dump(name, data):
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


org = load("org_types.yml")["types"]
# [form, generic, [aliases...]]: form is the compare form (or display), generic the class.
types = []
for t in org:
    form = t.get("compare") or t.get("display") or ""
    aliases = sorted({a.strip() for a in t.get("aliases") or [] if a and a.strip()})
    if form and form not in aliases:
        aliases.append(form)
    types.append([form, t.get("generic") or "", aliases])
dump("org-types.json", types)

stop = load("stopwords.yml")
dump(
    "stopwords.json",
    {
        "personNamePrefixes": sorted(set(stop["PERSON_NAME_PREFIXES"])),
        "orgNamePrefixes": stop["ORG_NAME_PREFIXES"],
        "nameSplitPhrases": stop["NAME_SPLIT_PHRASES"],
        "genericPersonNames": stop["GENERIC_PERSON_NAMES"],
    },
)

sym = load("symbols.yml")
dump(
    "person-symbols.json",
    {
        "personSymbols": sym["person_symbols"],
        "personNick": sym["person_nick"],
        "personNameParts": sym["person_name_parts"],
    },
)

dump("compare.json", load("compare.yml"))
