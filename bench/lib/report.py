#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

"""Turns a bench run's samples into the results table.

    report.py SAMPLES ROWS NOTES HEADER_FILE OUT_MD

SAMPLES: "KEY VALUE" lines, one per run. ROWS: tab-separated lines from
add_row (bench/lib/common.sh). Each figure is the median of its runs with
min and max; a ratio is median / peer median, both from this invocation.
Prints the table and writes OUT_MD (HEADER_FILE's text, the table, the
notes).
"""
import statistics
import sys
from collections import defaultdict


def fmt(v, unit):
    if unit in ("ms", "MiB", "MB/s"):
        return f"{v:.1f}"
    if abs(v) >= 1e6:
        return f"{v / 1e6:.2f} M"
    if abs(v) >= 1e4:
        return f"{v / 1e3:.0f} k"
    if abs(v) >= 1e3:
        return f"{v / 1e3:.1f} k"
    return f"{v:.0f}"


def summary(values, unit):
    med = statistics.median(values)
    return med, f"{fmt(med, unit)} ({fmt(min(values), unit)}–{fmt(max(values), unit)}, n={len(values)})"


def percentile(values, p):
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def main():
    samples_path, rows_path, notes_path, header_path, out_path = sys.argv[1:6]
    samples = defaultdict(list)
    with open(samples_path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2 and parts[1] not in ("", "null"):
                samples[parts[0]].append(float(parts[1]))

    lines = [
        "| figure | sinkhost: median (min–max, runs) | compared with | that: median (min–max, runs) | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    missed = []
    with open(rows_path) as f:
        for raw in f:
            fields = raw.rstrip("\n").split("\t")
            figure, key, unit, peer, peer_key, kind, value, target = (fields + [""] * 8)[:8]
            a = samples.get(key, [])
            if not a:
                lines.append(f"| {figure} | no data | {peer} | | | {target} | **not measured** |")
                missed.append(figure)
                continue
            if kind == "p99":
                cell = (f"p50 {fmt(percentile(a, 50), unit)}, **p99 {fmt(percentile(a, 99), unit)}**, "
                        f"max {fmt(max(a), unit)} ({len(a)} batches)")
                lines.append(f"| {figure} | {cell} | — | | | {target} | — |")
                continue
            med_a, cell_a = summary(a, unit)
            b = samples.get(peer_key, []) if peer_key != "-" else []
            med_b, cell_b = summary(b, unit) if b else (None, "")
            ratio = med_a / med_b if med_b else None
            ratio_cell = ""
            if ratio is not None:
                ratio_cell = f"{ratio:.2f}×" if kind == "ratio" and float(value or 0) > 1 else f"{ratio * 100:.0f} %"
            met = "—"
            if kind == "ratio":
                met = ratio is not None and ratio >= float(value)
            elif kind == "abs":
                met = med_a >= float(value)
            elif kind == "abs+ratio":
                absolute, rel = (float(x) for x in value.split(","))
                met = med_a >= absolute and ratio is not None and ratio >= rel
            elif kind == "delta_mib":
                ratio_cell = f"+{med_a - med_b:.1f} MiB" if med_b is not None else ""
                if value:
                    met = med_b is not None and med_a - med_b <= float(value)
            if met is not True and met is not False:
                met_cell = "—"
            else:
                met_cell = "yes" if met else "**no**"
                if not met:
                    missed.append(figure)
            lines.append(f"| {figure} | {cell_a} | {peer} | {cell_b} | {ratio_cell} | {target} | {met_cell} |")

    table = "\n".join(lines)
    with open(notes_path) as f:
        notes = [n.strip() for n in f if n.strip()]
    with open(header_path) as f:
        header = f.read()
    with open(out_path, "w") as out:
        out.write(header + "\n" + table + "\n")
        if notes:
            out.write("\nNotes:\n\n" + "".join(f"- {n}\n" for n in notes))
        out.write("\nTargets missed in this run: " + (", ".join(missed) if missed else "none") + "\n")
    print(table)
    print("\nTargets missed in this run: " + (", ".join(missed) if missed else "none"))


if __name__ == "__main__":
    main()
