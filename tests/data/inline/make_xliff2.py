"""Convert a PO file to XLIFF 2.0 with translate-toolkit's own storage classes.

Run in a scratch virtualenv with translate-toolkit (never in the project's: its ``translate``
package clashes with ours): ``python make_xliff2.py messages.po messages.xliff2.xlf``.
"""
import sys

from translate.storage import factory
from translate.storage.xliff2 import Xliff2File

src = factory.getobject(sys.argv[1])
out = Xliff2File(sourcelanguage="zh-CN", targetlanguage="en")
for unit in src.units:
    if unit.isheader():
        continue
    new = out.addsourceunit(unit.source)
    new.setid(str(len(out.units)))
    if unit.target:
        new.target = unit.target
        if unit.isfuzzy():
            new.markfuzzy(True)
        else:
            new.marktranslated()
    for loc in unit.getlocations():
        new.addnote("location: " + loc)
with open(sys.argv[2], "wb") as fh:
    out.serialize(fh)
