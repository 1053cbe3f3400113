#!/bin/sh
# The legacy KB conversion (our re-implementation, see xmldict.py and vuln2csv.xsl):
#   run_legacy.sh KB_XML OUTPUT_DIR   -> OUTPUT_DIR/vulnkb.csv and OUTPUT_DIR/cve.csv
# The two steps run one after the other, as in the legacy qualys-kb.sh. --nonet: the KB's
# DOCTYPE names an https DTD; the legacy shipped a local copy, here it is simply not fetched
# (xsltproc warns that it cannot load it, which is harmless and silenced).
set -eu
here=$(dirname "$0")
python3 "$here/xmldict.py" "$1" "$2"
xsltproc --nonet --output "$2/cve.csv" "$here/vuln2csv.xsl" "$1" 2>/dev/null
