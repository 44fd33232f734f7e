#!/usr/bin/env bash
# Seeds each fuzz target's corpus from the project's fixtures (the corpora are not committed).
set -euo pipefail
cd "$(dirname "$0")"
root=..
mkdir -p corpus/package_reader corpus/role_xml corpus/settings corpus/explain corpus/strict_xml corpus/manifest_edit corpus/environment
# Zips: the golden package, plus each fixture package folder zipped.
cp "$root/fixtures/golden/"*.zip corpus/package_reader/ 2>/dev/null || true
for dir in "$root"/fixtures/validate/*/; do
  name=$(basename "$dir")
  (cd "$dir" && python3 -c 'import sys,zipfile,os
z=zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_DEFLATED)
[z.write(f) for f in sorted(os.listdir(".")) if os.path.isfile(f)]' "$OLDPWD/corpus/package_reader/$name.zip")
done
# XML: every XML fixture.
find "$root/fixtures" -name '*.xml' -print0 | while IFS= read -r -d '' f; do
  cp "$f" "corpus/role_xml/$(echo "${f#../}" | tr '/ ' '__')"
  cp "$f" "corpus/strict_xml/$(echo "${f#../}" | tr '/ ' '__')"
done
# Manifests: every solution.xml and Other/Solution.xml fixture, for the manifest edit.
find "$root/fixtures" \( -iname 'solution.xml' -o -name '*solution*.xml' \) -print0 | while IFS= read -r -d '' f; do
  cp "$f" "corpus/manifest_edit/$(echo "${f#../}" | tr '/ ' '__')"
done
# Privilege-table pages: two small pages in the Web API's shape.
printf '%s' '{"@odata.context":"x","value":[{"name":"prvReadAccount","privilegeid":"886b280c-6396-4d56-a0a3-2c1b0a50ceb0","accessright":1,"canbebasic":true,"canbelocal":true,"canbedeep":true,"canbeglobal":true}],"@odata.nextLink":"y"}' > corpus/environment/page1.json
printf '%s' '{"value":[{"name":"prvSyncToOutlook","canbebasic":false,"canbelocal":false,"canbedeep":false,"canbeglobal":true}]}' > corpus/environment/page2.json
# TOML: catalogues, example config, catalogue fixtures.
find "$root/catalogues" "$root/fixtures" "$root/examples" -name '*.toml' -print0 | while IFS= read -r -d '' f; do
  cp "$f" "corpus/settings/$(echo "${f#../}" | tr '/ ' '__')"
done
# Error texts: one per shape explain reads.
printf '%s' 'Principal user (Id=2f1c, type=8) is missing prvReadEmailServerProfile privilege (Id=edebe6f6-cf2e-4520-b635-ae0615d41e34)' > corpus/explain/trace.txt
printf '%s' 'SecLib::CheckPrivilege failed. Returned hr = -2147220960, User: 1, PrivilegeName: prvReadQueue, PrivilegeId: 2, Required Depth: Basic' > corpus/explain/seclib.txt
printf '%s' 'The privilege prvDeleteUserSettings with id = 3 can'"'"'t have depth = Basic' > corpus/explain/depth.txt
printf '%s' 'You don'"'"'t have required privilege (prvReadOrganization), which limits certain functionality.' > corpus/explain/notice.txt
printf '%s' 'missing privilege (Id=edebe6f6-cf2e-4520-b635-ae0615d41e34)' > corpus/explain/id.txt
echo "seeded: $(ls corpus/package_reader | wc -l) zips, $(ls corpus/role_xml | wc -l) XML files, $(ls corpus/settings | wc -l) TOML files, $(ls corpus/explain | wc -l) texts, $(ls corpus/manifest_edit | wc -l) manifests"
