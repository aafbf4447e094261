#!/usr/bin/env python3
"""Prepared copies of the theme's CFF fonts, made once at install time.

krilla (the PDF library inside typst-pdf) subsets every embedded CFF face by
decompiling each used glyph and inlining its subroutines, once per face per
document; a TrueType (glyf) face is copied glyph by glyph instead. This script
writes copies of the faces the default theme uses (Noto Serif CJK SC and
Noto Sans CJK SC, taken out of their .ttc collections, FandolFang, FandolKai)
under their own family names ("GK " + the original), so theme.yaml can list
them first and keep the system fonts as fallback:

  --format ttf  TrueType outlines: every cubic curve converted to quadratic
                ones with fontTools' cu2qu, at most --max-err font units away
                (the approach of fontTools' Snippets/otf2ttf.py); unhinted.
  --format cff  the same CFF outlines with all subroutines inlined.

Glyph ids, advance widths, cmap, OpenType layout tables and vertical metrics
are kept, so Typst lays text out exactly as with the originals. Nothing is
written into the repository: the Makefile passes a folder outside git.

usage: prepare-fonts.py --out DIR [--format ttf|cff] [--max-err 0.25] [--family F] [-j N]
"""

import argparse
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor

from fontTools.ttLib import TTCollection, TTFont, newTable
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen

# Families of templates/theme.yaml whose installed faces are CFF (LXGW WenKai
# is TrueType already). Every installed face of each family is prepared, so a
# weight the templates ask for resolves within the prepared family as it
# would within the original.
FAMILIES = ["Noto Serif CJK SC", "Noto Sans CJK SC", "FandolFang", "FandolKai"]
PREFIX = "GK "
# Name records that get the prefix: family, full name, typographic family.
# The PostScript name (6) and unique id (3) get "GK" without the space;
# subfamily names such as "Bold" stay.
FAMILY_IDS = (1, 4, 16)


def installed_faces():
    """(file, index, family, style) of every installed face of FAMILIES."""
    out = subprocess.run(["fc-list", "-f", "%{file}|%{index}|%{family}|%{style}\n"],
                         capture_output=True, text=True, check=True).stdout
    faces = {}
    for line in sorted(set(out.splitlines())):
        path, index, fams, style = line.split("|", 3)
        hit = [f for f in FAMILIES if f in fams.split(",")]
        # One source per face, should a face be installed twice.
        if hit:
            faces.setdefault((hit[0], style.split(",")[0]), (path, int(index)))
    return [(path, index, fam, style) for (fam, style), (path, index) in sorted(faces.items())]


def load(path, index):
    if path.lower().endswith((".ttc", ".otc")):
        font = TTCollection(path, lazy=False).fonts[index]
    else:
        font = TTFont(path, lazy=False)
    # Materialise every table: a collection's tables are shared and read lazily.
    for tag in font.keys():
        font[tag]
    return font


def rename(font, family):
    """Prefix the family, full and PostScript names (every platform and language)."""
    name = font["name"]
    ps_old = name.getDebugName(6)
    ps_new = PREFIX.replace(" ", "") + ps_old
    # Typst names a family by name ID 1 (fontconfig by ID 16 when present):
    # FandolFang's ID 1 is "FandolFang R". The copy gets one name for both.
    typographic = name.getDebugName(16)
    ribbi = name.getDebugName(2) in ("Regular", "Bold", "Italic", "Bold Italic")
    for rec in name.names:
        text = rec.toUnicode()
        if rec.nameID == 1 and typographic and ribbi:
            same = name.getName(16, rec.platformID, rec.platEncID, rec.langID)
            rec.string = PREFIX + (same.toUnicode() if same else typographic)
        elif rec.nameID in FAMILY_IDS:
            rec.string = PREFIX + text
        elif rec.nameID == 6:
            rec.string = ps_new
        elif rec.nameID == 3:
            rec.string = text.replace(ps_old, ps_new) if ps_old in text else PREFIX + text
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [ps_new]
        top = cff.topDictIndex[0]
        for key in ("FullName", "FamilyName"):
            if hasattr(top, key):
                setattr(top, key, PREFIX + getattr(top, key))
        if hasattr(top, "CIDFontName"):
            top.CIDFontName = ps_new
    return ps_new


def to_truetype(font, max_err):
    """CFF outlines to glyf, as fontTools' Snippets/otf2ttf.py does."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for gname in order:
        tt_pen = TTGlyphPen(glyph_set)
        # reverse_direction: CFF contours run counter-clockwise, TrueType clockwise.
        glyph_set[gname].draw(Cu2QuPen(tt_pen, max_err, reverse_direction=True))
        glyphs[gname] = tt_pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:  # CFF-only table
        del font["VORG"]
    glyf.compile(font)
    # TrueType wants each left side bearing equal to the glyph's xMin.
    hmtx = font["hmtx"]
    for gname, glyph in glyphs.items():
        advance, _ = hmtx.metrics[gname]
        hmtx.metrics[gname] = (advance, getattr(glyph, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions"):
        setattr(maxp, attr, 0)
    maxp.numGlyphs = len(order)
    # post format 3: no glyph names (a CID font's are only "cid12345").
    post = font["post"]
    post.formatType = 3.0
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def prepare(job):
    path, index, family, style, out, fmt, max_err = job
    font = load(path, index)
    ps = rename(font, family)
    if fmt == "cff":
        font["CFF "].cff.desubroutinize()
        ext = ".otf"
    else:
        to_truetype(font, max_err)
        ext = ".ttf"
    dest = os.path.join(out, ps + ext)
    tmp = dest + ".tmp"
    font.save(tmp)
    os.replace(tmp, dest)
    return f"{PREFIX}{family} {style} ← {path}#{index} → {dest} ({os.path.getsize(dest) // 1024} KiB)"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="folder for the prepared fonts (created)")
    ap.add_argument("--format", choices=["ttf", "cff"], default="ttf")
    ap.add_argument("--max-err", type=float, default=0.25,
                    help="largest distance of a quadratic curve from the cubic, font units (ttf)")
    ap.add_argument("--family", action="append", choices=FAMILIES,
                    help="prepare only this family (repeatable; default all)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    faces = installed_faces()
    missing = [f for f in FAMILIES if f not in {face[2] for face in faces}]
    if missing:
        print("未安装（跳过）：" + "、".join(missing), file=sys.stderr)
    os.makedirs(args.out, exist_ok=True)
    jobs = [(p, i, fam, sty, args.out, args.format, args.max_err) for p, i, fam, sty in faces
            if not args.family or fam in args.family]
    jobs.sort(key=lambda job: -os.path.getsize(job[0]))  # largest first: the pool ends together
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for line in pool.map(prepare, jobs):
            print(line)


if __name__ == "__main__":
    main()
