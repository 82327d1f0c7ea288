"""Convert a PO file to XLIFF 2.0 with translate-toolkit's own storage classes."""
import sys
from translate.storage import factory
from translate.storage.xliff2 import Xliff2File

src = factory.getobject(sys.argv[1])
out = Xliff2File(sourcelanguage="zh-CN", targetlanguage="en")
out.setfilename(out.getfilenode("NoName") if hasattr(out, "getfilenode") else None, sys.argv[1]) if False else None
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
