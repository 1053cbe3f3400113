#!/usr/bin/env python3
"""Turns qualys-sim --request-log lines into curl config files that replay the same requests.

usage: replay_requests.py LOG FIRST_LINE LAST_LINE AUTH_CONF BASE_URL CA_FILE OUT_PREFIX

Lines FIRST_LINE..LAST_LINE (1-based, inclusive) of LOG are one daemon run's requests. Writes
OUT_PREFIX.auth.curl (the gateway /auth requests, with the password from AUTH_CONF put back
where the log says REDACTED; the token is written to OUT_PREFIX.token) and OUT_PREFIX.requests.curl (every other request in log order,
one curl process, `next` between them so the connection is kept alive, as the daemon keeps
it). Bearer requests carry the placeholder @TOKEN@, replaced by the token the replayed /auth
returned. Same method, target, body, Content-Type, User-Agent, X-Requested-With, Accept and
Authorization scheme as the daemon sent; bodies go to /dev/null. Both files are 0600 (they hold
the password). On stdout: requests=N auth=N basic=N bearer=N.
"""

import json
import os
import sys
import urllib.parse


def quoted(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def block(out, request, base_url, ca_file, user, password, output):
    if out.tell() > 0:
        out.write("next\n")  # between requests: one curl process, one kept-alive connection
    out.write("url = %s\n" % quoted(base_url + request["target"]))
    out.write("request = %s\n" % quoted(request["method"]))
    out.write("http1.1\ncacert = %s\noutput = %s\nsilent\nshow-error\n" % (quoted(ca_file), quoted(output)))
    out.write("write-out = \"%{http_code} %{size_download}\\n\"\n")
    headers = dict(request["headers"])
    out.write("user-agent = %s\n" % quoted(headers.pop("User-Agent", "")))
    if "Accept" not in headers:
        out.write('header = "Accept:"\n')  # curl's default Accept: */* was not sent
    for name, value in headers.items():
        out.write("header = %s\n" % quoted("%s: %s" % (name, value)))
    if request["content_type"]:
        out.write("header = %s\n" % quoted("Content-Type: " + request["content_type"]))
    if request["authorization"] == "Basic":
        out.write("user = %s\n" % quoted(user + ":" + password))
    elif request["authorization"] == "Bearer":
        out.write('header = "Authorization: Bearer @TOKEN@"\n')
    body = request["body"]
    if request["endpoint"] == "auth":
        body = body.replace("password=REDACTED", "password=" + urllib.parse.quote_plus(password))
    if body or request["method"] not in ("GET", "HEAD"):
        out.write("data-binary = %s\n" % quoted(body))


def main():
    log, first, last, auth_conf, base_url, ca_file, prefix = sys.argv[1:8]
    with open(auth_conf, encoding="utf-8") as f:
        user, password = f.readline().split()[:2]
    with open(log, encoding="utf-8") as f:
        lines = f.read().splitlines()[int(first) - 1:int(last)]
    requests = [json.loads(line) for line in lines]
    counts = {"requests": len(requests), "auth": 0, "basic": 0, "bearer": 0}
    old_umask = os.umask(0o077)
    try:
        with open(prefix + ".auth.curl", "w", encoding="utf-8") as auth, \
                open(prefix + ".requests.curl", "w", encoding="utf-8") as rest:
            for request in requests:
                if request["endpoint"] == "auth":
                    counts["auth"] += 1
                    block(auth, request, base_url, ca_file, user, password, prefix + ".token")
                    continue
                if request["authorization"] == "Basic":
                    counts["basic"] += 1
                elif request["authorization"] == "Bearer":
                    counts["bearer"] += 1
                block(rest, request, base_url, ca_file, user, password, "/dev/null")
    finally:
        os.umask(old_umask)
    print(" ".join("%s=%d" % kv for kv in counts.items()))


if __name__ == "__main__":
    main()
