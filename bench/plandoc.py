"""Minimal reader for the city's plan-document export (bench tooling only).

This is NOT koe's parser: it exists so the bench scripts can (a) harvest
sentences from the real document for the generator and (b) turn a corpus
directory into JSON Lines for Groonga before `koe corpus dump` exists.
Python 3 standard library only.

Format (see shared/corpus/README.md): UTF-8, tab-separated, HTML fragments in
cells; department header, project table, one 6-row detail block per project.
"""

import os
import re

LABELS_ROW1 = ("【目的】", "【目標（2030年のあるべき姿）】", "【目標（年度末のあるべき姿）】")
LABELS_ROW2 = ("【現状】", "【課題】", "【事業内容】")
KIND_OF_LABEL = {
    "【目的】": ("purpose", "目的"),
    "【目標（2030年のあるべき姿）】": ("goal_2030", "目標2030"),
    "【目標（年度末のあるべき姿）】": ("goal_fy", "目標年度末"),
    "【現状】": ("status", "現状"),
    "【課題】": ("issues", "課題"),
    "【事業内容】": ("activities", "事業内容"),
}
UL_OPEN = '<ul style="list-style-type: none">'

_TAG = re.compile(r"</?(?:p|ul|li|br)(?:\s[^>]*)?/?>")
# A list separator is a space that touches a non-ASCII character on at least
# one side ("DS INSHIGT" inside an item must stay whole).
_ITEM_SPLIT = re.compile(r"(?<=[^\x00-\x7f]) +| +(?=[^\x00-\x7f])")
_MARK_SPLIT = re.compile(r" +(?=[①-⑳・])")


def cell_items(cell):
    """Split one value cell into list items (HTML list, ①/・ list, or prose)."""
    c = cell.strip()
    if not c:
        return []
    if c.startswith("<ul"):
        body = _TAG.sub(" ", c).strip()
        return [x for x in _ITEM_SPLIT.split(body) if x.strip()]
    body = _TAG.sub(" ", c).strip()
    if c.startswith("<p"):
        return [body] if body else []
    parts = [x.strip() for x in _MARK_SPLIT.split(body) if x.strip()]
    return parts


def _nonempty(cells):
    return [(i, c.strip()) for i, c in enumerate(cells) if c.strip()]


def parse(path):
    """Yield section dicts for one document; raises ValueError(file:line) on junk."""
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().replace("\r\n", "\n").split("\n")
    rel = path
    dept_head = ""
    department = ""
    out = []
    table = {}
    i = 0
    n = len(lines)

    def next_text(j):
        while j < n and not lines[j].strip():
            j += 1
        return j

    while i < n:
        cells = lines[i].split("\t")
        ne = _nonempty(cells)
        if not ne:
            i += 1
            continue
        first = ne[0][1]
        if set(first) == {"-"} or first == "重要度が高い事務事業":
            i += 1
            continue
        if first == "部長名" and len(ne) > 1:
            dept_head = ne[1][1]
            department = dept_head[:-1] if dept_head.endswith("長") else dept_head
            i += 1
            continue
        if first in ("部のミッション", "部のビジョン") and len(ne) == 1:
            j = next_text(i + 1)
            kind, label = ("mission", "部のミッション") if first == "部のミッション" else ("vision", "部のビジョン")
            text = lines[j].strip() if j < n else ""
            out.append(dict(department=department, project_id="", project=department, division="",
                            kind=kind, label=label, items=cell_items(text), source=f"{rel}:{j + 1}"))
            i = j + 1
            continue
        if first == "番号" and len(ne) >= 6:
            i += 1
            while i < n:
                c = lines[i].split("\t")
                if not lines[i].strip():
                    i += 1
                    if i < n and lines[i].strip() and lines[i].split("\t")[1:2] == ["施策番号"]:
                        break
                    continue
                if len(c) >= 6 and c[0].strip().isdigit() and c[1].strip() != "施策番号":
                    if c[3].strip():
                        table[c[0].strip()] = dict(name=c[3].strip(), reason=c[4].strip(),
                                                   division=c[5].strip(), line=i + 1)
                    i += 1
                    continue
                break
            continue
        if len(cells) > 8 and cells[1].strip() == "施策番号" and cells[0].strip().isdigit():
            num = cells[0].strip()
            project = cells[8].strip()
            t = table.get(num, {})
            division = t.get("division", "")
            pid = f"{department}#{num}"
            base = dict(department=department, project_id=pid, project=project, division=division)
            out.append(dict(base, kind="title", label="事業名", items=[project], source=f"{rel}:{i + 1}"))
            if t.get("reason"):
                out.append(dict(base, kind="reason", label="重要度理由", items=[t["reason"]],
                                source=f"{rel}:{t['line']}"))
            j = next_text(i + 1)
            fc = _nonempty(lines[j].split("\t"))
            if not fc or fc[0][1] != "目標設定にあたって重視した点":
                raise ValueError(f"{rel}:{j + 1}: expected 目標設定にあたって重視した点")
            out.append(dict(base, kind="focus", label="重視した点",
                            items=[x[1] for x in fc[1:]], source=f"{rel}:{j + 1}"))
            j += 1
            for expect in (LABELS_ROW1, LABELS_ROW2):
                j = next_text(j)
                labs = _nonempty(lines[j].split("\t"))
                if tuple(x[1] for x in labs) != expect:
                    raise ValueError(f"{rel}:{j + 1}: expected labels {' '.join(expect)}")
                k = next_text(j + 1)
                vals = _nonempty(lines[k].split("\t"))
                if len(vals) != 3:
                    raise ValueError(f"{rel}:{k + 1}: expected 3 values, got {len(vals)}")
                for (_, lab), (_, val) in zip(labs, vals):
                    kind, label = KIND_OF_LABEL[lab]
                    out.append(dict(base, kind=kind, label=label, items=cell_items(val),
                                    source=f"{rel}:{k + 1}"))
                j = k + 1
            i = j
            continue
        raise ValueError(f"{rel}:{i + 1}: cannot read line starting {first[:20]!r}")
    for s in out:
        s["text"] = "\n".join(s["items"])
    return out


def corpus_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in sorted(filenames):
            if fn.endswith(".tsv") or fn.endswith(".txt"):
                yield os.path.join(dirpath, fn)
