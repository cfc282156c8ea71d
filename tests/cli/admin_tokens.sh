#!/usr/bin/env bash
# CLI golden for `vantage admin`: create-token prints the token once, on the last line of stdout; the token
# appears (without its secret) in list-tokens; revoke-token marks it revoked. Usage: admin_tokens.sh VANTAGE DIR
set -euo pipefail
v=$1; dir=$2
rm -rf "$dir"; mkdir -p "$dir"
db="$dir/tokens.db"
out=$("$v" admin create-token --db "$db" --tenant FR --role requester --label "ops desk" 2>"$dir/err")
last=$(printf '%s\n' "$out" | tail -1)
lines=$(printf '%s\n' "$out" | wc -l)
fail() { echo "FAIL: $*"; echo "--- stdout:"; printf '%s\n' "$out"; echo "--- stderr:"; cat "$dir/err"; exit 1; }
[[ "$last" =~ ^[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$ ]] || fail "last line is not <id>.<secret>: $last"
[ "$lines" -eq 1 ] || fail "stdout has $lines lines (the token alone is expected)"
grep -q "keep it secret" "$dir/err" || fail "stderr does not say the token is shown once"
id=${last%%.*}; secret=${last#*.}
list=$("$v" admin list-tokens --db "$db")
printf '%s\n' "$list" | grep -q "^$id,FR,requester,ops desk," || fail "list-tokens lacks $id: $list"
printf '%s\n' "$list" | grep -q -- "$secret" && fail "list-tokens shows the secret"
sqlite3 "$db" .dump 2>/dev/null | grep -q -- "$secret" && fail "the secret is stored in the database"
"$v" admin revoke-token --db "$db" --id "$id" | grep -q "token $id revoked" || fail "revoke-token"
"$v" admin list-tokens --db "$db" | grep -Eq "^$id,.*,20[0-9-]+T[0-9:]+Z$" || fail "revocation time not listed"
echo "ok: token $id created, listed without its secret, revoked"
