# Run with the scratch virtualenv: /tmp/ttk/bin/python ttk_check.py FILE...  Reads termtrans exports with translate-toolkit's own classes.
import sys
from translate.storage import tbx, tmx
for path in sys.argv[1:]:
    data = open(path, 'rb').read()
    try:
        store = (tmx.tmxfile if path.endswith('.tmx') else tbx.tbxfile).parsestring(data)
    except BaseException as exc:
        print(path, 'ERROR', type(exc).__name__, exc); continue
    units = [u for u in store.units if not u.isheader()]
    print(path, len(units), 'units')
    for u in units[:20]:
        extra = ''
        if hasattr(u, 'get_target_terms'):
            extra = ' terms=' + repr([(t.text, t.administrative_status) for t in u.get_target_terms()])
        print('  ', repr(u.source), '->', repr(u.target), '| notes:', repr(u.getnotes())[:120], extra[:200])
