#!/usr/bin/env python3
"""Writes cli/src/dist/NOTICE from cli/target/runtime-dependencies.txt (mvn -pl cli -am
generate-test-resources) and the licences the artifacts' POMs declare in ~/.m2 (a POM without
<licenses> inherits its parent's). NoticeTest fails when a runtime jar is missing from NOTICE.
Usage: cli/src/build/notice.py  (from the repository root)"""
import os, re, sys, xml.etree.ElementTree as ET

M2 = os.path.expanduser('~/.m2/repository')
NS = '{http://maven.apache.org/POM/4.0.0}'

def pom(g, a, v):
    p = os.path.join(M2, *g.split('.'), a, v, f'{a}-{v}.pom')
    return ET.parse(p).getroot() if os.path.exists(p) else None

def text(e, tag):
    x = e.find(NS + tag) if e is not None else None
    return x.text.strip() if x is not None and x.text else None

def licences(g, a, v, depth=0):
    r = pom(g, a, v)
    if r is None or depth > 6:
        return [], None
    ls = [(text(l, 'name'), text(l, 'url')) for l in r.findall(f'{NS}licenses/{NS}license')]
    url = text(r, 'url')
    if ls:
        return ls, url
    par = r.find(NS + 'parent')
    if par is not None:
        pl, pu = licences(text(par, 'groupId'), text(par, 'artifactId'), text(par, 'version'), depth + 1)
        return pl, url or pu
    return [], url

# POMs that declare no <licenses>: the licence from the project's own site, checked by hand.
KNOWN = {('com.h2database', 'h2'): 'MPL 2.0 or EPL 1.0 (https://h2database.com/html/license.html)'}

deps = []
for line in open('cli/target/runtime-dependencies.txt'):
    m = re.match(r'\s+([\w.\-]+):([\w.\-]+):(\w[\w\-]*):(?:([\w.\-]+):)?([\w.\-]+):(compile|runtime)', line)
    if m:
        g, a, _, cls, v, _ = m.groups()
        if g != 'io.carousel':
            deps.append((g, a, v))
out = ['Carousel', 'Copyright the Carousel authors. Licensed under the Apache License 2.0 (LICENSE).', '',
       'This distribution bundles the following third-party libraries in lib/, each under its own',
       'licence as declared by its Maven POM (group:artifact version: licence).', '']
for g, a, v in sorted(set(deps)):
    ls, url = licences(g, a, v)
    if (g, a) in KNOWN:
        ls = [(KNOWN[(g, a)], None)]
    names = '; '.join(n or u or '?' for n, u in ls) if ls else 'see ' + (url or 'the project')
    out.append(f'{g}:{a} {v}: {names}')
open('cli/src/dist/NOTICE', 'w').write('\n'.join(out) + '\n')
print(len(deps), 'artifacts')
