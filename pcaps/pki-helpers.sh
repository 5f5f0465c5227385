# pki-helpers.sh - sourced by the capture generators: makes the certificates
# of a throw-away PKI with GnuTLS certtool. The caller sets $pki (the folder
# holding NAME.key, NAME.tmpl and NAME.pem) and $pki_organization, and
# provides new_key NAME.
#
# SPDX-License-Identifier: GPL-2.0-or-later

template() { # NAME CN VALID_FROM VALID_UNTIL EXTRA_LINES...
    local name=$1 cn=$2 from=$3 until=$4
    shift 4
    {
        echo "cn = \"$cn\""
        echo "organization = \"$pki_organization\""
        echo "serial = $((RANDOM * 32768 + RANDOM))"
        echo "activation_date = \"$from\""
        echo "expiration_date = \"$until\""
        printf '%s\n' "$@"
    } >"$pki/$name.tmpl"
}

self_signed() { # NAME
    certtool --generate-self-signed --load-privkey "$pki/$1.key" --template "$pki/$1.tmpl" \
        --outfile "$pki/$1.pem" --no-text >/dev/null 2>&1
}

issue() { # NAME ISSUER
    certtool --generate-certificate --load-privkey "$pki/$1.key" --template "$pki/$1.tmpl" \
        --load-ca-certificate "$pki/$2.pem" --load-ca-privkey "$pki/$2.key" \
        --outfile "$pki/$1.pem" --no-text >/dev/null 2>&1
}
