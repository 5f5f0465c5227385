#!/usr/bin/env bash
# Makes captures of client-certificate (mTLS) authentication in the servers
# that are not web servers, as Debian 12 ships them: PostgreSQL, MariaDB, the
# Mosquitto MQTT broker, Postfix and OpenLDAP's slapd. Each speaks its own
# protocol (PostgreSQL's SSLRequest, MySQL's SSL switch, MQTT over TLS, SMTP
# and LDAP STARTTLS, LDAPS) and refuses a client in its own way: a TLS alert,
# a TCP close without one, or its protocol's error after a good handshake.
# The clients are small Python programs (the standard library's ssl module,
# with a key log) speaking the raw protocol, and the real ones: psql, the
# mariadb client, mosquitto_pub, ldapwhoami/ldapadd and gnutls-cli --starttls-proto.
#
# Every server listens on its standard port (5432, 3306, 8883, 25, 389, 636),
# so that Wireshark dissects the protocol without Decode As, and every
# scenario has a loopback address of its own (127.0.0.2, 127.0.0.3, ...):
# the capture filter is "host ADDRESS and tcp port PORT". Every scenario
# writes NAME.pcapng (no secrets injected) and, when a peer logs them,
# NAME.keys (NSS key log) beside it, then a summary of what happened (alerts,
# each side's FIN or RST, and the application's answer read with the keys),
# read with plain tshark, goes into README.md. The machinery is capture-lib.sh's.
#
# usage: pcaps/make-protocol-captures.sh [OUTPUT_DIR]     (default: pcaps/protocols)
# MTLS_ONLY=REGEX makes only the matching scenarios (pki/ and README.md are
# left alone: only a full run's output should be committed).
# Needs: certtool and gnutls-cli (gnutls-bin), openssl, dumpcap and tshark,
# /usr/bin/python3, postgresql-15 (postgres, initdb, psql), mariadb-server and
# mariadb-client, mosquitto and mosquitto-clients, postfix, slapd and
# ldap-utils, setpriv (util-linux), ss (iproute2), the users postgres, mysql,
# mosquitto and postfix the packages create, and the right to capture on lo
# and to bind the privileged ports (root). No service of those packages needs
# to run (each server is started here with a configuration of its own), and
# none may listen on 5432, 3306, 8883, 25, 389 or 636 of all addresses.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=capture-lib.sh
source "$here/capture-lib.sh"
capture_setup "${1:-$here/protocols}" 0
summary_tcp_closes=yes
answer_hook=protocol_answer
endpoint_hook=scenario_endpoint
client_outcome_pattern='^(ok|error)'
postgres_bin=/usr/lib/postgresql/15/bin

# Scenario number N listens on 127.0.0.(N+2), on its server's standard port.
scenario_endpoint() { # SERVER VARIANT INDEX
    local port
    case $1 in
        postgresql) port=5432 ;;
        mariadb) port=3306 ;;
        mosquitto) port=8883 ;;
        postfix) port=25 ;;
        slapd) case $2 in ldaps*) port=636 ;; *) port=389 ;; esac ;;
        *) echo "no port for $1" >&2; exit 1 ;;
    esac
    [ "$3" -lt 250 ] || { echo "out of loopback addresses" >&2; exit 1; }
    echo "127.0.0.$(($3 + 2)) $port"
}

# ---- The servers' files ----------------------------------------------------------------
# The server certificate names localhost and the scenario's address, so that
# every client can check it; it is issued per address by the issuing CA.

server_certificate() { # ADDRESS: makes $pki/server_ADDRESS-chain.pem (and .key) once
    local name=server_$1
    [ -s "$pki/$name-chain.pem" ] && return 0
    new_key "$name"
    template "$name" localhost "2025-01-01 00:00:00" "2125-01-01 00:00:00" signing_key tls_www_server \
        'dns_name = "localhost"' "ip_address = \"$1\""
    issue "$name" issuing
    cat "$pki/$name.pem" "$pki/issuing.pem" >"$pki/$name-chain.pem"
}

# server_files DIR OWNER: the certificate chain, its key and the CA the server
# trusts (the root only: a client must send its intermediate) in DIR/tls,
# readable by the user the server runs as.
server_files() {
    local dir=$1 owner=$2
    server_certificate "$listen_address"
    install -d -o "$owner" -m 0755 "$dir/tls"
    install -o "$owner" -m 0644 "$pki/server_$listen_address-chain.pem" "$dir/tls/server-chain.pem"
    install -o "$owner" -m 0600 "$pki/server_$listen_address.key" "$dir/tls/server.key"
    install -o "$owner" -m 0644 "$pki/root.pem" "$dir/tls/root.pem"
}

# The subject and SHA-256 fingerprint of a client certificate, as the servers print them.
certificate_subject() { openssl x509 -in "$pki/$1.pem" -noout -subject -nameopt compat | sed 's/^subject=//'; }
certificate_fingerprint() { openssl x509 -in "$pki/$1.pem" -noout -fingerprint -sha256 | sed 's/^.*=//'; }

# ---- The servers -------------------------------------------------------------------------
# start_KIND NAME PORT VARIANT writes the server's configuration and data
# folder into the work folder and starts it in the foreground, under
# `timeout`, in the background of this script; server_pid is the PID to stop
# it by. Its log goes to $work/NAME.server.log.

# PostgreSQL 15: a cluster made once by initdb (with the roles) and copied per
# scenario; postgres runs as the user postgres. Variants: cert (pg_hba
# `hostssl ... cert`: the certificate's CN must be the user name) and
# verify-ca (`hostssl ... trust clientcert=verify-ca`). The client connects
# from 127.0.0.1, whatever the server's address.
postgresql_template() {
    [ -d "$work/postgresql-template" ] && return 0
    install -d -o postgres -m 0700 "$work/postgresql-template"
    setpriv --reuid=postgres --regid=postgres --init-groups "$postgres_bin/initdb" -D "$work/postgresql-template" \
        -A reject -U postgres --no-sync >"$work/initdb.log" 2>&1
    printf 'CREATE ROLE "%s" LOGIN;\n' real-test-client someone-else |
        setpriv --reuid=postgres --regid=postgres --init-groups "$postgres_bin/postgres" --single \
            -D "$work/postgresql-template" postgres >>"$work/initdb.log" 2>&1
}

start_postgresql() {
    local name=$1 port=$2 variant=$3 dir=$work/postgresql-$1 hba
    postgresql_template
    case $variant in
        cert) hba="hostssl all all 127.0.0.1/32 cert" ;;
        verify-ca) hba="hostssl all all 127.0.0.1/32 trust clientcert=verify-ca" ;;
        *) echo "unknown postgresql variant $variant" >&2; exit 1 ;;
    esac
    install -d -o postgres -m 0700 "$dir"
    cp -a "$work/postgresql-template" "$dir/data"
    server_files "$dir" postgres
    echo "$hba" >"$dir/data/pg_hba.conf"
    timeout 60 setpriv --reuid=postgres --regid=postgres --init-groups "$postgres_bin/postgres" -D "$dir/data" \
        -c listen_addresses="$listen_address" -c port="$port" -c unix_socket_directories="$dir" \
        -c ssl=on -c ssl_cert_file="$dir/tls/server-chain.pem" -c ssl_key_file="$dir/tls/server.key" \
        -c ssl_ca_file="$dir/tls/root.pem" -c log_connections=on -c log_line_prefix='' -c fsync=off \
        -c shared_buffers=16MB >>"$work/$name.server.log" 2>&1 &
    server_pid=$!
}

# MariaDB: a data folder made once by mariadb-install-db and copied per
# scenario; the users come from an --init-file: real-test-client REQUIRE
# X509 and someone-else REQUIRE SUBJECT '/CN=someone-else', neither with a password.
mariadb_template() {
    [ -d "$work/mariadb-template" ] && return 0
    mariadb-install-db --no-defaults --user=mysql --datadir="$work/mariadb-template" --skip-test-db \
        --auth-root-authentication-method=normal --innodb-log-file-size=4M --innodb-buffer-pool-size=16M \
        >"$work/mariadb-install-db.log" 2>&1
}

start_mariadb() {
    local name=$1 port=$2 variant=$3 dir=$work/mariadb-$1
    [ "$variant" = x509 ] || { echo "unknown mariadb variant $variant" >&2; exit 1; }
    mariadb_template
    install -d -o mysql -m 0700 "$dir"
    cp -a "$work/mariadb-template" "$dir/data"
    server_files "$dir" mysql
    cat >"$dir/init.sql" <<'EOF'
CREATE USER 'real-test-client'@'%' REQUIRE X509;
CREATE USER 'someone-else'@'%' REQUIRE SUBJECT '/CN=someone-else';
EOF
    chown mysql "$dir/init.sql"
    timeout 60 mariadbd --no-defaults --user=mysql --datadir="$dir/data" --bind-address="$listen_address" \
        --port="$port" --socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid" --innodb-log-file-size=4M \
        --innodb-buffer-pool-size=16M --skip-name-resolve --ssl-ca="$dir/tls/root.pem" \
        --ssl-cert="$dir/tls/server-chain.pem" --ssl-key="$dir/tls/server.key" --init-file="$dir/init.sql" \
        --log-warnings=4 >>"$work/$name.server.log" 2>&1 &
    server_pid=$!
}

# Mosquitto 2.0 (it drops its privileges to the user mosquitto). Variants:
# require (require_certificate true, use_identity_as_username true,
# allow_anonymous false: the certificate's CN is the user), password
# (require_certificate true, and a password_file that the client, which sends
# no password, fails) and optional (require_certificate false with
# use_identity_as_username true: no CertificateRequest at all, and CONNACK
# refuses the client for want of a certificate).
start_mosquitto() {
    local name=$1 port=$2 variant=$3 dir=$work/mosquitto-$1 require=true identity=true password=""
    case $variant in
        require) ;;
        password) identity=false password="password_file $dir/passwords" ;;
        optional) require=false ;;
        *) echo "unknown mosquitto variant $variant" >&2; exit 1 ;;
    esac
    install -d -o mosquitto -m 0755 "$dir"
    server_files "$dir" mosquitto
    if [ -n "$password" ]; then
        : >"$dir/passwords"
        mosquitto_passwd -b "$dir/passwords" real-test-client not-sent-by-the-client
        chown mosquitto "$dir/passwords"
        chmod 0600 "$dir/passwords"
    fi
    cat >"$dir/mosquitto.conf" <<EOF
per_listener_settings true
persistence false
log_dest stderr
log_type all
log_timestamp false
listener $port $listen_address
cafile $dir/tls/root.pem
certfile $dir/tls/server-chain.pem
keyfile $dir/tls/server.key
require_certificate $require
use_identity_as_username $identity
allow_anonymous false
$password
EOF
    timeout 60 mosquitto -c "$dir/mosquitto.conf" >>"$work/$name.server.log" 2>&1 &
    server_pid=$!
}

# Postfix 3.7: a private instance (config_directory, queue_directory and
# data_directory of its own; master.cf with the smtpd on ADDRESS:25 and the
# services it needs, none chrooted), master(8) run in the foreground (-d) and
# its log in the server log (maillog_file). Variants: require
# (smtpd_tls_security_level = encrypt, smtpd_tls_req_ccert = yes, relaying
# for permit_tls_all_clientcerts) and fingerprint (smtpd_tls_ask_ccert = yes,
# relaying for the SHA-256 fingerprints of check_ccert_access, which lists
# the good client only).
start_postfix() {
    local name=$1 port=$2 variant=$3 dir=$work/postfix-$1 tls relay
    case $variant in
        require)
            tls="smtpd_tls_security_level = encrypt
smtpd_tls_ask_ccert = yes
smtpd_tls_req_ccert = yes"
            relay="permit_tls_all_clientcerts, reject_unauth_destination"
            ;;
        fingerprint)
            tls="smtpd_tls_security_level = may
smtpd_tls_ask_ccert = yes"
            relay="check_ccert_access texthash:$dir/etc/client-certificates, reject_unauth_destination"
            ;;
        *) echo "unknown postfix variant $variant" >&2; exit 1 ;;
    esac
    mkdir -p "$dir/etc" "$dir/spool"
    install -d -o postfix -m 0700 "$dir/data"
    server_files "$dir" root
    echo "$(certificate_fingerprint client) OK" >"$dir/etc/client-certificates"
    : >"$work/$name.server.log"
    cat >"$dir/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $dir/spool
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = loopback-only
inet_protocols = ipv4
myhostname = mail.example.test
mydestination =
mynetworks = 127.0.0.0/30
alias_maps =
alias_database =
maillog_file = $work/$name.server.log
maillog_file_prefixes = $work
smtpd_banner = \$myhostname ESMTP
smtpd_tls_chain_files = $dir/tls/server.key, $dir/tls/server-chain.pem
smtpd_tls_CAfile = $dir/tls/root.pem
smtpd_tls_loglevel = 1
smtpd_tls_fingerprint_digest = sha256
$tls
smtpd_relay_restrictions = $relay
EOF
    # master.cf: the smtpd on the scenario's address (inet_interfaces must name an
    # address of an interface: 127.0.0.N is routed to lo but not configured on it).
    cat >"$dir/etc/master.cf" <<EOF
$listen_address:$port inet n - n - - smtpd
tlsmgr unix - - n 1000? 1 tlsmgr
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
error unix - - n - - error
discard unix - - n - - discard
EOF
    # `postfix check` makes the queue's folders, with their owners and modes.
    postfix -c "$dir/etc" check >>"$work/$name.server.log" 2>&1
    timeout 60 /usr/lib/postfix/sbin/master -c "$dir/etc" -d >>"$work/$name.server.log" 2>&1 &
    server_pid=$!
}

# slapd (OpenLDAP 2.5, GnuTLS), run as root with slapd.conf: TLSVerifyClient
# demand, a cn=config-less mdb database for dc=example,dc=test whose people
# only cn=real-test-client may add to (SASL EXTERNAL maps the certificate's
# subject to cn=CN,ou=people,dc=example,dc=test). GnuTLS writes the session
# keys to SSLKEYLOGFILE. Variants: starttls (ldap://ADDRESS:389) and ldaps
# (ldaps://ADDRESS:636).
start_slapd() {
    local name=$1 port=$2 variant=$3 dir=$work/slapd-$1 url
    case $variant in
        starttls) url="ldap://$listen_address:$port/" ;;
        ldaps) url="ldaps://$listen_address:$port/" ;;
        *) echo "unknown slapd variant $variant" >&2; exit 1 ;;
    esac
    mkdir -p "$dir/db"
    server_files "$dir" root
    local people="ou=people,dc=example,dc=test"
    cat >"$dir/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile $dir/slapd.pid
argsfile $dir/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCACertificateFile $dir/tls/root.pem
TLSCertificateFile $dir/tls/server-chain.pem
TLSCertificateKeyFile $dir/tls/server.key
TLSVerifyClient demand
authz-regexp "^cn=([^,]+),o=$pki_organization\$" "cn=\$1,$people"
database mdb
maxsize 10485760
suffix "dc=example,dc=test"
rootdn "cn=admin,dc=example,dc=test"
directory $dir/db
access to dn.subtree="$people" by dn.exact="cn=real-test-client,$people" write by * read
access to * by * read
EOF
    cat >"$dir/base.ldif" <<EOF
dn: dc=example,dc=test
objectClass: dcObject
objectClass: organization
o: example
dc: example

dn: $people
objectClass: organizationalUnit
ou: people

dn: cn=real-test-client,$people
objectClass: person
cn: real-test-client
sn: client
EOF
    slapadd -f "$dir/slapd.conf" -l "$dir/base.ldif" >>"$work/$name.server.log" 2>&1
    SSLKEYLOGFILE=$work/$name.server.keys timeout 60 slapd -f "$dir/slapd.conf" -h "$url" -d stats \
        >>"$work/$name.server.log" 2>&1 &
    server_pid=$!
}

# ---- The clients ---------------------------------------------------------------------------
# run_KIND NAME PORT VERSION IDENTITY OPTION, as capture-lib.sh calls them;
# OPTION: user=NAME (the database or MQTT user; default real-test-client), or -.
# Each writes its outcome last, as "ok: ..." or "error: ...", in $work/NAME.client.log.

option_user() { case $1 in user=*) echo "${1#user=}" ;; *) echo real-test-client ;; esac; }

# outcome NAME PROGRAM CODE OK ERROR: ends the client log with "ok: PROGRAM: OK"
# when CODE is 0, else with "error: PROGRAM exit CODE: ERROR".
outcome() {
    if [ "$3" -eq 0 ]; then echo "ok: $2: $4"; else echo "error: $2 exit $3: $5"; fi >>"$work/$1.client.log"
}

# Python: the raw protocol over the standard library's ssl module, with its key log.
write_protocol_client() {
    cat >"$work/protocol_client.py" <<'EOF'
"""One connection of a database, broker or mail client speaking the raw
protocol over the standard library's ssl module; prints the server's answer,
or the error, on its last line, the way an application would log it.

usage: protocol_client.py PROTOCOL ADDRESS PORT VERSION CAFILE CERT KEY KEYLOG USER
PROTOCOL: pgsql, mysql, mqtt or smtp; CERT and KEY may be empty."""
import smtplib, socket, ssl, struct, sys

protocol, address, port, version, cafile, cert, key, keylog, user = sys.argv[1:10]
port = int(port)


def tls_context():
    """Checks the server's chain and name, forces the version and writes the key log."""
    context = ssl.create_default_context(cafile=cafile)
    context.minimum_version = context.maximum_version = getattr(ssl.TLSVersion, version)
    context.keylog_filename = keylog
    if cert:
        context.load_cert_chain(cert, key)
    return context


ctx = tls_context()


def read_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("connection closed by the server")
        data += chunk
    return data


def pgsql():
    """SSLRequest, TLS, StartupMessage; the first ErrorResponse or ReadyForQuery."""
    with socket.create_connection((address, port), timeout=10) as raw:
        raw.sendall(struct.pack("!II", 8, 80877103))
        answer = read_exact(raw, 1)
        if answer != b"S":
            return "error: the server refused SSL (%r)" % answer
        with ctx.wrap_socket(raw, server_hostname=address) as tls:
            params = b"user\0%s\0database\0postgres\0application_name\0protocol_client.py\0\0" % user.encode()
            tls.sendall(struct.pack("!II", 8 + len(params), 196608) + params)
            while True:
                kind = read_exact(tls, 1)
                length, = struct.unpack("!I", read_exact(tls, 4))
                body = read_exact(tls, length - 4)
                if kind == b"E":
                    fields = {f[:1]: f[1:].decode(errors="replace") for f in body.split(b"\0") if f}
                    return "error: %s %s %s" % (fields.get(b"S", "?"), fields.get(b"C", "?"), fields.get(b"M", ""))
                if kind == b"Z":
                    tls.sendall(b"X\0\0\0\4")  # Terminate
                    return "ok: ReadyForQuery as %s" % user


def mysql_packet(sock):
    header = read_exact(sock, 4)
    return header[3], read_exact(sock, header[0] | header[1] << 8 | header[2] << 16)


def mysql_error(packet):
    code, = struct.unpack("<H", packet[1:3])
    if packet[3:4] == b"#":
        return "error: %d (%s) %s" % (code, packet[4:9].decode(), packet[9:].decode(errors="replace"))
    return "error: %d %s" % (code, packet[3:].decode(errors="replace"))


def mysql():
    """Greeting, SSLRequest, TLS, HandshakeResponse41 without a password; OK or ERR."""
    with socket.create_connection((address, port), timeout=10) as raw:
        _, greeting = mysql_packet(raw)
        if greeting[0] == 0xFF:
            return mysql_error(greeting)
        # CLIENT_LONG_PASSWORD, PROTOCOL_41, SSL, TRANSACTIONS, SECURE_CONNECTION, PLUGIN_AUTH
        caps = 0x1 | 0x200 | 0x800 | 0x2000 | 0x8000 | 0x80000
        head = struct.pack("<IIB", caps, 1 << 24, 33) + b"\0" * 23
        raw.sendall(struct.pack("<I", len(head))[:3] + b"\1" + head)
        with ctx.wrap_socket(raw, server_hostname=address) as tls:
            body = head + user.encode() + b"\0" + b"\0" + b"mysql_native_password\0"
            tls.sendall(struct.pack("<I", len(body))[:3] + b"\2" + body)
            _, answer = mysql_packet(tls)
            if answer[0] == 0xFF:
                return mysql_error(answer)
            if answer[0] == 0x00:
                tls.sendall(b"\1\0\0\0\1")  # COM_QUIT
                return "ok: OK packet as %s" % user
            return "error: unexpected answer 0x%02x" % answer[0]


def mqtt():
    """CONNECT (MQTT 3.1.1, no user name: the broker takes it from the certificate); CONNACK."""
    with socket.create_connection((address, port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname=address) as tls:
            client_id = b"protocol-client"
            body = b"\0\4MQTT\4\2" + struct.pack("!HH", 30, len(client_id)) + client_id
            tls.sendall(bytes([0x10, len(body)]) + body)
            answer = read_exact(tls, 4)
            if answer[0] != 0x20:
                return "error: unexpected packet 0x%02x" % answer[0]
            names = {0: "accepted", 1: "unacceptable protocol version", 2: "identifier rejected",
                     3: "server unavailable", 4: "bad user name or password", 5: "not authorized"}
            if answer[3] == 0:
                tls.sendall(b"\xe0\0")  # DISCONNECT
                return "ok: CONNACK 0 (accepted)"
            return "error: CONNACK %d (%s)" % (answer[3], names.get(answer[3], "?"))


def smtp():
    """EHLO, STARTTLS, EHLO, MAIL FROM, RCPT TO an outside domain (relaying), RSET, QUIT."""
    with smtplib.SMTP(address, port, local_hostname="client.example.test", timeout=10) as client:
        client.ehlo()
        client.starttls(context=ctx)
        code, text = client.ehlo()
        if code != 250:
            return "error: %d %s" % (code, text.decode(errors="replace"))
        client.mail("client@example.test")
        code, text = client.rcpt("someone@elsewhere.example")
        if code != 250:
            return "error: %d %s" % (code, text.decode(errors="replace"))
        client.rset()
        return "ok: %d %s" % (code, text.decode(errors="replace"))


try:
    print(globals()[protocol]())
except (OSError, ssl.SSLError, smtplib.SMTPException) as error:
    print("error: %s" % (error or type(error).__name__))
    sys.exit(1)
EOF
}

port_protocol() { # PORT
    case $1 in 5432) echo pgsql ;; 3306) echo mysql ;; 8883) echo mqtt ;; 25) echo smtp ;; *) echo ldap ;; esac
}

run_pyproto() {
    local name=$1 port=$2 version=$3 identity=$4 option=$5
    SSLKEYLOGFILE="" timeout 20 /usr/bin/python3 "$work/protocol_client.py" "$(port_protocol "$port")" \
        "$listen_address" "$port" "TLSv1_${version#tls1}" "$pki/root.pem" "$(identity_chain "$identity")" \
        "$(identity_key "$identity")" "$work/$name.keys" "$(option_user "$option")" \
        >>"$work/$name.client.log" 2>&1 || true
}

# psql (libpq 15, OpenSSL: no key log). host=localhost with hostaddr: it
# checks the name localhost and sends it as SNI.
run_psql() {
    local name=$1 port=$2 version=$3 identity=$4 option=$5 user
    user=$(option_user "$option")
    local tls="TLSv1.${version#tls1}"
    local conninfo="host=localhost hostaddr=$listen_address port=$port dbname=postgres user=$user"
    conninfo="$conninfo sslmode=verify-full sslrootcert=$pki/root.pem gssencmode=disable connect_timeout=10"
    conninfo="$conninfo ssl_min_protocol_version=$tls ssl_max_protocol_version=$tls"
    if [ "$identity" = none ]; then
        conninfo="$conninfo sslcert=$work/no-such-file.pem sslkey=$work/no-such-file.key"
    else
        conninfo="$conninfo sslcert=$(identity_chain "$identity") sslkey=$(identity_key "$identity")"
    fi
    local log=$work/$name.client.log code=0
    timeout 20 psql "$conninfo" -Atc 'SELECT current_user' >>"$log" 2>&1 || code=$?
    outcome "$name" psql $code "SELECT current_user = $(tail -n1 "$log")" \
        "$(grep -m1 -E 'error|FATAL' "$log" | sed 's/^psql: error: //' || true)"
}

# The mariadb client (Connector/C with OpenSSL: no key log), checking the
# server's certificate and name.
run_mariadb() {
    local name=$1 port=$2 version=$3 identity=$4 option=$5 args=()
    [ "$identity" = none ] || args=(--ssl-cert="$(identity_chain "$identity")" --ssl-key="$(identity_key "$identity")")
    local log=$work/$name.client.log code=0
    timeout 20 mariadb --no-defaults -h "$listen_address" -P "$port" -u "$(option_user "$option")" --ssl \
        --ssl-ca="$pki/root.pem" --ssl-verify-server-cert --tls-version="TLSv1.${version#tls1}" "${args[@]}" \
        -Nse 'SELECT CURRENT_USER()' >>"$log" 2>&1 || code=$?
    outcome "$name" mariadb $code "CURRENT_USER() = $(tail -n1 "$log")" "$(grep -m1 ERROR "$log" || true)"
}

# mosquitto_pub (libmosquitto, OpenSSL: no key log): one QoS 1 message. Its
# --tls-version is a minimum: an OpenSSL configuration sets the maximum.
run_mosquitto_pub() {
    local name=$1 port=$2 version=$3 identity=$4 option=$5 args=()
    [ "$identity" = none ] || args=(--cert "$(identity_chain "$identity")" --key "$(identity_key "$identity")")
    cat >"$work/$name.openssl.cnf" <<EOF
openssl_conf = init
[init]
ssl_conf = ssl
[ssl]
system_default = versions
[versions]
MinProtocol = TLSv1.${version#tls1}
MaxProtocol = TLSv1.${version#tls1}
EOF
    local log=$work/$name.client.log code=0
    OPENSSL_CONF=$work/$name.openssl.cnf timeout 20 mosquitto_pub -d -h "$listen_address" -p "$port" \
        --cafile "$pki/root.pem" --tls-version "tlsv1.${version#tls1}" "${args[@]}" -i mosquitto-pub -q 1 \
        -t sensors/test -m ok >>"$log" 2>&1 || code=$?
    outcome "$name" mosquitto_pub $code "$(grep -m1 CONNACK "$log" || true)" \
        "$(grep -v -E '^Client .* (sending|received)' "$log" | grep -m1 -i 'error\|refused' || true)"
}

# ldapwhoami / ldapadd (libldap with GnuTLS, which writes SSLKEYLOGFILE): SASL
# EXTERNAL, StartTLS required (-ZZ) on port 389, LDAPS on 636; the version
# through the GnuTLS priority string.
ldap_client() { # PROGRAM NAME PORT VERSION IDENTITY ARGUMENTS...
    local program=$1 name=$2 port=$3 version=$4 identity=$5 url args=()
    shift 5
    if [ "$port" = 636 ]; then url="ldaps://$listen_address"; else url="ldap://$listen_address" args=(-ZZ); fi
    local env=(LDAPTLS_CACERT="$pki/root.pem" LDAPTLS_REQCERT=demand
        LDAPTLS_CIPHER_SUITE="NORMAL:-VERS-ALL:+VERS-TLS1.${version#tls1}" SSLKEYLOGFILE="$work/$name.keys")
    [ "$identity" = none ] ||
        env+=(LDAPTLS_CERT="$(identity_chain "$identity")" LDAPTLS_KEY="$(identity_key "$identity")")
    local log=$work/$name.client.log code=0
    env "${env[@]}" timeout 20 "$program" -H "$url" "${args[@]}" -Y EXTERNAL -Q "$@" >>"$log" 2>&1 || code=$?
    outcome "$name" "$program" $code "$(grep -v '^$' "$log" | tail -n1 || true)" \
        "$(grep -v -e '^$' -e '^adding' "$log" | paste -sd' ' | tr -s ' \t' '  ' || true)"
}

run_ldapwhoami() { ldap_client ldapwhoami "$1" "$2" "$3" "$4"; }

run_ldapadd() {
    printf 'dn: cn=new-entry,ou=people,dc=example,dc=test\nobjectClass: person\ncn: new-entry\nsn: entry\n' \
        >"$work/$1.ldif"
    ldap_client ldapadd "$1" "$2" "$3" "$4" -f "$work/$1.ldif"
}

# gnutls-cli, with --starttls-proto where the protocol starts TLS itself (it
# does the STARTTLS, then the handshake); the protocol's first request after
# it comes from a FIFO (PostgreSQL's StartupMessage, LDAP's "Who am I?"
# extended request). Unlike libldap, it sends its certificate whatever CAs
# the CertificateRequest names.
run_gnutls_cli() {
    local name=$1 port=$2 version=$3 identity=$4 option=$5 starttls=() request
    case $port in
        5432)
            starttls=(--starttls-proto=postgres)
            request='\0\0\0\x31\0\3\0\0user\0real-test-client\0database\0postgres\0\0'
            ;;
        389 | 636)
            [ "$port" = 389 ] && starttls=(--starttls-proto=ldap)
            request='\x30\x1e\x02\x01\x02\x77\x19\x80\x171.3.6.1.4.1.4203.1.11.3'
            ;;
        *) echo "no gnutls-cli request for port $port" >&2; exit 1 ;;
    esac
    local args=("${starttls[@]}" --x509cafile "$pki/root.pem" --verify-hostname "$listen_address"
        --priority "NORMAL:-VERS-ALL:+VERS-TLS1.${version#tls1}" -p "$port")
    [ "$identity" = none ] ||
        args+=(--x509certfile "$(identity_chain "$identity")" --x509keyfile "$(identity_key "$identity")")
    # Its input: the request, then (once the answer or an error is in) end of input, which makes it close.
    local log=$work/$name.gnutls.log code=0
    : >"$log"
    # shellcheck disable=SC2094 # the loop reads, on purpose, what gnutls-cli writes
    {
        # shellcheck disable=SC2059 # the request is a printf format of escapes
        printf "$request"
        for _ in $(seq 30); do
            grep -q -a -E 'Simple Client Mode|Fatal error|Error' "$log" && break
            sleep 0.1
        done
        sleep 0.5
    } | SSLKEYLOGFILE=$work/$name.keys timeout 15 gnutls-cli "${args[@]}" "$listen_address" >"$log" 2>&1 || code=$?
    tr -c '[:print:]\n' '.' <"$log" >>"$work/$name.client.log"
    echo >>"$work/$name.client.log"
    # In TLS 1.3 the client's handshake is done before the server judges its certificate.
    local failure
    failure=$(grep -a -m1 -E '\*\*\* (Fatal|Received alert|Handshake)|Error' "$log" || true)
    if [ -z "$failure" ] && grep -q -a 'Handshake was completed' "$log"; then
        echo "ok: gnutls-cli: handshake completed, $(wc -c <"$log") bytes of output" \
            >>"$work/$name.client.log"
    else
        echo "error: gnutls-cli exit $code: $failure" >>"$work/$name.client.log"
    fi
}

# ---- The application's answer, read with tshark ------------------------------------------------

protocol_answer() { # PCAPNG PORT KEYS NAME: the server's answer in the application protocol, one line
    local pcap=$1 port=$2 keys=$3 options=()
    [ -n "$keys" ] && options=(-o "tls.keylog_file:$keys")
    local server="tcp.srcport == $port"
    case $(port_protocol "$port") in
        pgsql)
            tshark -r "$pcap" "${options[@]}" -Y "$server && pgsql" -T fields -E separator='|' -E occurrence=a \
                -E aggregator=, -e pgsql.type -e pgsql.severity -e pgsql.code -e pgsql.message 2>/dev/null |
                awk -F'|' '
                    $1 ~ /Error/ && error == "" { error = "ErrorResponse " $2 " " $3 " " $4 }
                    $1 ~ /Ready for query/ { ready = 1 }
                    $1 ~ /Authentication request/ { auth = 1 }
                    END {
                        if (error != "") print "PostgreSQL " error
                        else if (ready) print "PostgreSQL AuthenticationOk … ReadyForQuery"
                        else if (auth) print "PostgreSQL Authentication request"
                    }'
            ;;
        mysql)
            tshark -r "$pcap" "${options[@]}" -Y "$server && mysql" -T fields -E separator='|' -E occurrence=f \
                -e mysql.error_code -e mysql.sqlstate -e mysql.error.message -e mysql.response_code \
                -e mysql.server_greeting 2>/dev/null |
                awk -F'|' '
                    $1 != "" && error == "" { error = "ERR " $1 " (" $2 ") " $3 }
                    $5 == "" && $4 ~ /^(0|0x0+)$/ { ok = 1 }
                    END {
                        if (error != "") print "MySQL " error
                        else if (ok) print "MySQL OK"
                    }'
            ;;
        mqtt)
            tshark -r "$pcap" "${options[@]}" -Y "$server && mqtt.conack.val" -T fields -E occurrence=f \
                -e mqtt.conack.val 2>/dev/null | head -n1 | awk '
                    BEGIN {
                        name[0] = "accepted"; name[1] = "unacceptable protocol version"
                        name[2] = "identifier rejected"; name[3] = "server unavailable"
                        name[4] = "bad user name or password"; name[5] = "not authorized"
                    }
                    { print "MQTT CONNACK " $1 " (" name[$1 + 0] ")" }'
            ;;
        smtp)
            # The replies inside TLS, after the one to STARTTLS ("220 2.0.0 Ready to start TLS").
            tshark -r "$pcap" "${options[@]}" -Y "$server && smtp.response.code" -T fields -E separator='|' \
                -E occurrence=f -e smtp.response.code -e smtp.rsp.parameter 2>/dev/null |
                awk -F'|' '
                    tls { replies = replies (replies == "" ? "" : "; ") $1 " " $2 }
                    $2 ~ /Ready to start TLS/ { tls = 1 }
                    END { if (replies != "") print "SMTP after STARTTLS: " replies }'
            ;;
        ldap)
            tshark -r "$pcap" "${options[@]}" -Y "$server && ldap" -T fields -E separator='|' -E occurrence=a \
                -E aggregator=, -e ldap.protocolOp -e ldap.resultCode -e tls.record.content_type \
                -e ldap.errorMessage 2>/dev/null |
                awk -F'|' '
                    BEGIN {
                        op[1] = "bindResponse"; op[5] = "searchResDone"; op[9] = "addResponse"
                        op[24] = "extendedResp"; rc[0] = "success"; rc[50] = "insufficientAccessRights"
                        rc[2] = "protocolError"; rc[1] = "operationsError"; rc[48] = "inappropriateAuthentication"
                    }
                    {
                        n = split($1, ops, ","); split($2, codes, ",")
                        for (i = 1; i <= n; i++) {
                            # The extendedResp outside TLS answers StartTLS.
                            text = (ops[i] in op ? op[ops[i]] : "op" ops[i]) ($3 == "" ? " (StartTLS)" : "") " " \
                                (codes[i] in rc ? rc[codes[i]] : codes[i])
                            if ($4 != "" && codes[i] != 0) text = text " \"" $4 "\""
                            answers = answers (answers == "" ? "" : "; ") text
                        }
                    }
                    END { if (answers != "") print "LDAP " answers }'
            ;;
    esac
}

# ---- Scenarios ------------------------------------------------------------------------------

make_pki
write_protocol_client

# PostgreSQL: OpenSSL verifies the chain in the handshake (an alert); a
# missing certificate or one that is not the user's is refused by the
# authentication, in an ErrorResponse after the handshake.
server_outcome_pattern='FATAL|could not accept SSL|connection authorized'
cert="PostgreSQL 15, pg_hba \`hostssl ... cert\`, \`ssl_ca_file\` root"
capture postgresql-tls13-python-good postgresql cert pyproto tls13 good - "$cert" "Python ssl, leaf + issuing"
capture postgresql-tls12-python-good postgresql cert pyproto tls12 good - "$cert" "Python ssl, leaf + issuing"
capture postgresql-tls12-psql-good postgresql cert psql tls12 good - "$cert" "psql, leaf + issuing"
capture postgresql-tls13-python-no-cert postgresql cert pyproto tls13 none - "$cert" "Python ssl, no certificate"
capture postgresql-tls12-psql-no-cert postgresql cert psql tls12 none - "$cert" "psql, no certificate"
capture postgresql-tls12-python-foreign-ca postgresql cert pyproto tls12 foreign-ca - "$cert" \
    "Python ssl, leaf from Foreign Root CA"
capture postgresql-tls13-gnutls-foreign-ca postgresql cert gnutls_cli tls13 foreign-ca - "$cert" \
    "gnutls-cli \`--starttls-proto=postgres\`, leaf from Foreign Root CA"
capture postgresql-tls12-python-leaf-only postgresql cert pyproto tls12 leaf-only - "$cert" "Python ssl, leaf only"
capture postgresql-tls13-python-expired postgresql cert pyproto tls13 expired - "$cert" \
    "Python ssl, expired leaf + issuing"
capture postgresql-tls13-python-self-signed postgresql cert pyproto tls13 self-signed - "$cert" \
    "Python ssl, self-signed"
capture postgresql-tls13-python-unmapped postgresql cert pyproto tls13 unmapped - "$cert" \
    "Python ssl, leaf CN real-test-client-unmapped + issuing, as user real-test-client"
capture postgresql-tls12-python-unmapped postgresql cert pyproto tls12 unmapped - "$cert" \
    "Python ssl, leaf CN real-test-client-unmapped + issuing, as user real-test-client"
verify_ca="PostgreSQL 15, pg_hba \`hostssl ... trust clientcert=verify-ca\`, \`ssl_ca_file\` root"
capture postgresql-tls13-python-verify-ca-no-cert postgresql verify-ca pyproto tls13 none - "$verify_ca" \
    "Python ssl, no certificate"
capture postgresql-tls12-python-verify-ca-good postgresql verify-ca pyproto tls12 good user=someone-else \
    "$verify_ca" "Python ssl, leaf + issuing, as user someone-else"

# MariaDB: OpenSSL verifies the chain in the handshake; REQUIRE X509 without
# a certificate and a REQUIRE SUBJECT mismatch are error 1045 after it.
server_outcome_pattern='Access denied|X509|Aborted connection'
x509="MariaDB 10.11, \`ssl_ca\` root, user \`REQUIRE X509\`"
capture mariadb-tls13-python-good mariadb x509 pyproto tls13 good - "$x509" "Python ssl, leaf + issuing"
capture mariadb-tls12-python-good mariadb x509 pyproto tls12 good - "$x509" "Python ssl, leaf + issuing"
capture mariadb-tls12-mariadb-good mariadb x509 mariadb tls12 good - "$x509" "mariadb client, leaf + issuing"
capture mariadb-tls13-python-no-cert mariadb x509 pyproto tls13 none - "$x509" "Python ssl, no certificate"
capture mariadb-tls12-mariadb-no-cert mariadb x509 mariadb tls12 none - "$x509" "mariadb client, no certificate"
capture mariadb-tls12-python-foreign-ca mariadb x509 pyproto tls12 foreign-ca - "$x509" \
    "Python ssl, leaf from Foreign Root CA"
capture mariadb-tls12-python-leaf-only mariadb x509 pyproto tls12 leaf-only - "$x509" "Python ssl, leaf only"
capture mariadb-tls13-python-expired mariadb x509 pyproto tls13 expired - "$x509" \
    "Python ssl, expired leaf + issuing"
capture mariadb-tls13-python-self-signed mariadb x509 pyproto tls13 self-signed - "$x509" "Python ssl, self-signed"
capture mariadb-tls13-python-no-client-eku mariadb x509 pyproto tls13 no-client-eku - "$x509" \
    "Python ssl, leaf with serverAuth EKU only + issuing"
subject="MariaDB 10.11, \`ssl_ca\` root, user someone-else \`REQUIRE SUBJECT '/CN=someone-else'\`"
capture mariadb-tls13-python-subject-mismatch mariadb x509 pyproto tls13 good user=someone-else "$subject" \
    "Python ssl, leaf + issuing, as user someone-else"
capture mariadb-tls12-python-subject-mismatch mariadb x509 pyproto tls12 good user=someone-else "$subject" \
    "Python ssl, leaf + issuing, as user someone-else"

# Mosquitto: OpenSSL with SSL_VERIFY_FAIL_IF_NO_PEER_CERT: every certificate
# problem is an alert; the broker's own refusal is a CONNACK return code.
server_outcome_pattern='OpenSSL Error|Sending CONNACK'
require="Mosquitto 2.0, \`require_certificate true\`, \`use_identity_as_username true\`, \`cafile\` root"
capture mosquitto-tls13-python-good mosquitto require pyproto tls13 good - "$require" "Python ssl, leaf + issuing"
capture mosquitto-tls12-mosquitto_pub-good mosquitto require mosquitto_pub tls12 good - "$require" \
    "mosquitto_pub, leaf + issuing"
capture mosquitto-tls13-python-no-cert mosquitto require pyproto tls13 none - "$require" "Python ssl, no certificate"
capture mosquitto-tls12-python-no-cert mosquitto require pyproto tls12 none - "$require" "Python ssl, no certificate"
capture mosquitto-tls12-python-foreign-ca mosquitto require pyproto tls12 foreign-ca - "$require" \
    "Python ssl, leaf from Foreign Root CA"
capture mosquitto-tls12-python-leaf-only mosquitto require pyproto tls12 leaf-only - "$require" \
    "Python ssl, leaf only"
capture mosquitto-tls13-python-expired mosquitto require pyproto tls13 expired - "$require" \
    "Python ssl, expired leaf + issuing"
capture mosquitto-tls13-python-self-signed mosquitto require pyproto tls13 self-signed - "$require" \
    "Python ssl, self-signed"
capture mosquitto-tls12-mosquitto_pub-no-client-eku mosquitto require mosquitto_pub tls12 no-client-eku - \
    "$require" "mosquitto_pub, leaf with serverAuth EKU only + issuing"
capture mosquitto-tls12-python-password-required mosquitto password pyproto tls12 good - \
    "Mosquitto 2.0, \`require_certificate true\`, \`password_file\`, \`allow_anonymous false\`" \
    "Python ssl, leaf + issuing, no user name or password"
optional="Mosquitto 2.0, \`require_certificate false\`, \`use_identity_as_username true\`"
capture mosquitto-tls13-python-not-requested mosquitto optional pyproto tls13 good - "$optional" \
    "Python ssl, leaf + issuing (not asked for)"
capture mosquitto-tls12-python-not-requested mosquitto optional pyproto tls12 good - "$optional" \
    "Python ssl, leaf + issuing (not asked for)"

# Postfix: the handshake always completes (its verify callback accepts all);
# smtpd then answers 421 and hangs up, or refuses relaying.
server_outcome_pattern='NOQUEUE|TLS connection established'
req="Postfix 3.7, \`smtpd_tls_req_ccert = yes\`, \`permit_tls_all_clientcerts\`, \`smtpd_tls_CAfile\` root"
capture postfix-tls13-python-good postfix require pyproto tls13 good - "$req" "Python smtplib, leaf + issuing"
capture postfix-tls12-python-good postfix require pyproto tls12 good - "$req" "Python smtplib, leaf + issuing"
capture postfix-tls13-python-no-cert postfix require pyproto tls13 none - "$req" "Python smtplib, no certificate"
capture postfix-tls12-python-no-cert postfix require pyproto tls12 none - "$req" "Python smtplib, no certificate"
capture postfix-tls12-python-foreign-ca postfix require pyproto tls12 foreign-ca - "$req" \
    "Python smtplib, leaf from Foreign Root CA"
capture postfix-tls12-python-leaf-only postfix require pyproto tls12 leaf-only - "$req" "Python smtplib, leaf only"
capture postfix-tls13-python-expired postfix require pyproto tls13 expired - "$req" \
    "Python smtplib, expired leaf + issuing"
capture postfix-tls13-python-self-signed postfix require pyproto tls13 self-signed - "$req" \
    "Python smtplib, self-signed"
fingerprint="Postfix 3.7, \`smtpd_tls_ask_ccert = yes\`, relaying by \`check_ccert_access\` (the good client's \
SHA-256 fingerprint only)"
capture postfix-tls12-python-fingerprint-unmapped postfix fingerprint pyproto tls12 unmapped - "$fingerprint" \
    "Python smtplib, leaf CN real-test-client-unmapped + issuing"
capture postfix-tls13-python-fingerprint-unmapped postfix fingerprint pyproto tls13 unmapped - "$fingerprint" \
    "Python smtplib, leaf CN real-test-client-unmapped + issuing"

# slapd (GnuTLS): never an alert about the client's certificate.
server_outcome_pattern="TLS: can't accept|TLS established|RESULT"
slapd_starttls="slapd 2.5 (GnuTLS), \`TLSVerifyClient demand\`, \`TLSCACertificateFile\` root, ldap:// StartTLS"
slapd_ldaps="slapd 2.5 (GnuTLS), \`TLSVerifyClient demand\`, \`TLSCACertificateFile\` root, ldaps://"
capture slapd-tls13-ldapwhoami-good slapd starttls ldapwhoami tls13 good - "$slapd_starttls" \
    "ldapwhoami -ZZ -Y EXTERNAL, leaf + issuing"
capture slapd-tls12-ldapwhoami-ldaps-good slapd ldaps ldapwhoami tls12 good - "$slapd_ldaps" \
    "ldapwhoami -Y EXTERNAL, leaf + issuing"
capture slapd-tls13-ldapwhoami-no-cert slapd starttls ldapwhoami tls13 none - "$slapd_starttls" \
    "ldapwhoami -ZZ, no certificate"
capture slapd-tls12-ldapwhoami-ldaps-no-cert slapd ldaps ldapwhoami tls12 none - "$slapd_ldaps" \
    "ldapwhoami, no certificate"
capture slapd-tls12-ldapwhoami-foreign-ca slapd starttls ldapwhoami tls12 foreign-ca - "$slapd_starttls" \
    "ldapwhoami -ZZ -Y EXTERNAL, leaf from Foreign Root CA"
capture slapd-tls12-ldapwhoami-leaf-only slapd starttls ldapwhoami tls12 leaf-only - "$slapd_starttls" \
    "ldapwhoami -ZZ -Y EXTERNAL, leaf only"
capture slapd-tls13-ldapwhoami-ldaps-expired slapd ldaps ldapwhoami tls13 expired - "$slapd_ldaps" \
    "ldapwhoami -Y EXTERNAL, expired leaf + issuing"
capture slapd-tls13-ldapwhoami-self-signed slapd starttls ldapwhoami tls13 self-signed - "$slapd_starttls" \
    "ldapwhoami -ZZ -Y EXTERNAL, self-signed"
# libldap's GnuTLS sends a certificate only when its issuer, or an issuer of
# its chain, is named in the CertificateRequest; gnutls-cli sends it anyway.
capture slapd-tls12-gnutls-foreign-ca slapd starttls gnutls_cli tls12 foreign-ca - "$slapd_starttls" \
    "gnutls-cli \`--starttls-proto=ldap\`, leaf from Foreign Root CA"
capture slapd-tls12-gnutls-ldaps-expired slapd ldaps gnutls_cli tls12 expired - "$slapd_ldaps" \
    "gnutls-cli, expired leaf + issuing"
capture slapd-tls13-gnutls-self-signed slapd starttls gnutls_cli tls13 self-signed - "$slapd_starttls" \
    "gnutls-cli \`--starttls-proto=ldap\`, self-signed"
capture slapd-tls13-ldapadd-good slapd starttls ldapadd tls13 good - "$slapd_starttls" \
    "ldapadd -ZZ -Y EXTERNAL, leaf + issuing"
capture slapd-tls13-ldapadd-unmapped slapd starttls ldapadd tls13 unmapped - "$slapd_starttls" \
    "ldapadd -ZZ -Y EXTERNAL, leaf CN real-test-client-unmapped + issuing"

captures_done

# ---- README.md: how these were made, with what, and what happened ------------------

versions() {
    echo "- $("$postgres_bin/postgres" --version)"
    echo "- $(mariadbd --version)"
    echo "- $(mosquitto -h | head -n1)"
    echo "- Postfix $(postconf -d -h mail_version)"
    echo "- $(slapd -VV 2>&1 | head -n1 | sed 's/^@(#) \$//; s/ \$$//')"
    echo "- $(psql --version), $(mariadb --version | sed 's/  */ /g'), $(mosquitto_pub --help | sed -n 2p)"
    echo "- $(ldapwhoami -VV 2>&1 | head -n1 | sed 's/^ldapwhoami: @(#) \$//; s/ \$$//')"
    echo "- $(/usr/bin/python3 --version) ($(/usr/bin/python3 -c 'import ssl; print(ssl.OPENSSL_VERSION)'))"
    echo "- $(gnutls-cli --version | head -n1)"
    echo "- $(tshark --version 2>/dev/null | head -n1)"
    echo "- Debian packages: $(debian_package_versions postgresql-15 mariadb-server mariadb-client mosquitto \
        mosquitto-clients postfix slapd ldap-utils libgnutls30 libssl3 python3.11 gnutls-bin tshark)"
}

# The fields that carry each application's answer: checked against this
# tshark's field list, with a value seen in these captures (decrypted).
answer_fields() {
    local fields
    fields=$(tshark -G fields 2>/dev/null | awk -F'\t' '$1 == "F" { print $3 "\t" $4 }')
    echo "| Protocol (port) | Field | Type | Carries | Seen in these captures (decrypted) |"
    echo "| --- | --- | --- | --- | --- |"
    local protocol field meaning filter type example capture keys prefix
    while IFS='|' read -r protocol field filter meaning; do
        case $protocol in
            PostgreSQL*) prefix=postgresql ;; MySQL*) prefix=mariadb ;; MQTT*) prefix=mosquitto ;;
            SMTP*) prefix=postfix ;; *) prefix=slapd ;;
        esac
        type=$(awk -F'\t' -v f="$field" '$1 == f { print $2 }' <<<"$fields")
        if [ -z "$type" ]; then
            echo "$field is not a field of $(tshark --version 2>/dev/null | head -n1)" >&2
            exit 1
        fi
        example=""
        for capture in "$out/$prefix"-*.pcapng; do
            keys=${capture%.pcapng}.keys
            [ -s "$keys" ] || continue
            example=$(tshark -r "$capture" -o "tls.keylog_file:$keys" -Y "$field && $filter" -T fields \
                -E occurrence=f -e "$field" 2>/dev/null </dev/null | head -n1)
            [ -n "$example" ] && break
        done
        [ -n "$example" ] || { echo "no capture shows $field" >&2; exit 1; }
        example=${example%\\r\\n}
        example="\`${example:0:90}\` (\`$(basename "$capture" .pcapng)\`)"
        echo "| $protocol | \`$field\` | $type | $meaning | ${example//|/\\|} |"
    done <<'EOF'
PostgreSQL (5432)|pgsql.type|pgsql.type == "Error"|the message type: "Error" (ErrorResponse), "Ready for query"
PostgreSQL (5432)|pgsql.severity|pgsql.type == "Error"|the ErrorResponse's severity (S): FATAL
PostgreSQL (5432)|pgsql.code|pgsql.type == "Error"|its SQLSTATE (C): 28000 invalid_authorization_specification
PostgreSQL (5432)|pgsql.message|pgsql.type == "Error"|its message (M)
PostgreSQL (5432)|pgsql.authtype|pgsql.authtype == 0|the Authentication request's type: 0 is AuthenticationOk
MySQL (3306)|mysql.error_code|mysql.error_code|the ERR packet's error code: 1045 ER_ACCESS_DENIED_ERROR
MySQL (3306)|mysql.sqlstate|mysql.error_code|its SQL state: 28000
MySQL (3306)|mysql.error.message|mysql.error_code|its message
MySQL (3306)|mysql.response_code|mysql.response_code == 0|the first byte of a response: 0x00 OK, 0xff ERR
MySQL (3306)|mysql.caps.sl|mysql.caps.sl == 1|"Switch to SSL after handshake" in the client's SSLRequest
MQTT (8883)|mqtt.conack.val|mqtt.conack.val|CONNACK return code: 0 accepted, 4 bad name or password, 5 not authorized
MQTT (8883)|mqtt.msgtype|mqtt.msgtype == 2|the packet type: 1 CONNECT, 2 CONNACK
SMTP (25)|smtp.response.code|smtp.response.code >= 400|a reply's code: 421, 554...
SMTP (25)|smtp.rsp.parameter|smtp.response.code >= 400|the reply's text after the code (with the enhanced status code)
SMTP (25)|smtp.response|smtp.response.code >= 400|the whole reply line
SMTP (25)|smtp.req.command|smtp.req.command == "STAR"|the client's command (4.0 splits STARTTLS: STAR + TLS)
SMTP (25)|smtp.req.parameter|smtp.req.command == "STAR"|the command's parameter (TLS of STARTTLS)
LDAP (389, 636)|ldap.protocolOp|ldap.resultCode|the operation: 1 bindResponse, 9 addResponse, 24 extendedResp
LDAP (389, 636)|ldap.resultCode|ldap.resultCode != 0|an LDAPResult's code: 0 success, 50 insufficientAccessRights
LDAP (389, 636)|ldap.errorMessage|ldap.resultCode != 0|its diagnosticMessage
LDAP (389, 636)|ldap.requestName|ldap.requestName|the OID of an extended request (StartTLS: 1.3.6.1.4.1.1466.20037)
EOF
}

{
    cat <<'EOF'
# Captures of mTLS in databases, brokers, mail and directory servers

Client-certificate (mTLS) authentication in PostgreSQL, MariaDB, Mosquitto
(MQTT), Postfix (SMTP STARTTLS) and slapd (LDAP StartTLS and LDAPS) as Debian
12 ships them, recorded on loopback addresses, so the analyzer is tested on
protocols that start TLS their own way and refuse a client their own way.
`pcaps/make-protocol-captures.sh` makes all of this folder (run as root, for
dumpcap on `lo` and the privileged ports):

    sudo pcaps/make-protocol-captures.sh            # writes pcaps/protocols/

Each run makes a fresh PKI with GnuTLS certtool (EC P-256), as
`make-real-captures.sh` does: "Real Test Root CA", its intermediate "Real
Test Issuing CA", a good client, an expired client (2020-2021), a
self-signed client, a client whose Extended Key Usage is serverAuth only, a
valid client no server knows (CN `real-test-client-unmapped`) and a client
issued by a separate "Foreign Root CA"; the server certificate of each
scenario names `localhost` and the scenario's address. Every server trusts the
root only (its CertificateRequest names "Real Test Root CA"), so a client must
send its intermediate. `pki/` holds the public CA certificates (`root.pem`,
`issuing.pem`, `foreign-root.pem`; no private keys).

Every server runs on its standard port, with a configuration and data folder
of its own in a temporary folder, so Wireshark 4.0 dissects PostgreSQL
(5432), MySQL (3306), MQTT over TLS (8883), SMTP (25) and LDAP (389, 636)
without Decode As; every scenario has a loopback address of its own
(127.0.0.2, 127.0.0.3, ... in the order below; the clients connect from
127.0.0.1).

- `NAME.pcapng`: the capture (filter `host ADDRESS and tcp port PORT`), with no secrets injected.
- `NAME.keys`: its TLS key log (NSS format) when one could be had: from the
  Python clients (`SSLContext.keylog_filename`) and the GnuTLS ones
  (ldapwhoami, ldapadd and gnutls-cli, `SSLKEYLOGFILE`); psql, the mariadb
  client and mosquitto_pub (OpenSSL) log none. slapd (GnuTLS) logs them too,
  used when the client has none.
  Read one with `tshark -r NAME.pcapng -o tls.keylog_file:NAME.keys`.

Names are `SERVER-tlsVERSION-CLIENT-CASE`; the client forces the version.
"python" is a small client written by the script that speaks the raw
protocol over Python's `ssl` module: PostgreSQL's SSLRequest then a
StartupMessage; MySQL's greeting, SSLRequest packet, then HandshakeResponse41
without a password; an MQTT 3.1.1 CONNECT without a user name; `smtplib`'s
EHLO, STARTTLS, EHLO, MAIL FROM, RCPT TO an outside domain (relaying). It
checks the server's certificate against its address and sends no SNI; psql
connects to `localhost` (SNI localhost) through `hostaddr`.
EOF
    readme_expectations_versions_and_captures pcaps/expected-stacks.tsv
    cat <<'EOF'

## Fields that carry the answer

The Wireshark 4.0 fields (from `tshark -G fields`) that carry each server's
answer once the TLS records are decrypted, with the first value seen in these
captures (a capture that shows it in brackets). PostgreSQL's answer to the
SSLRequest ('S' or 'N') is the single byte before the ClientHello; MySQL's
TLS starts after the client's SSLRequest packet (`mysql.caps.sl`), SMTP's
after `220 2.0.0 Ready to start TLS`, LDAP's after the extendedResp to the
StartTLS request.

EOF
    answer_fields
    cat <<'EOF'

## Notes

How each server refused a client here:

- PostgreSQL 15 (OpenSSL) verifies the chain in the handshake and refuses a
  bad one with a fatal alert after the client's Finished: `unknown_ca` for a
  foreign CA, a self-signed leaf or a leaf without its intermediate,
  `certificate_expired` for an expired one (encrypted in TLS 1.3); then it
  resets the connection. It does not require a certificate in the handshake:
  without one the handshake completes, and pg_hba (`cert`, or
  `clientcert=verify-ca`) answers an ErrorResponse `FATAL 28000 connection
  requires a valid client certificate`; a good certificate whose CN is not the
  user name gets `FATAL 28000 certificate authentication failed for user
  "..."`. The answer to the SSLRequest is the byte 'S' before the ClientHello.
  Its `ssl_ecdh_curve` (prime256v1) makes TLS 1.3 clients whose first key
  share is X25519 (Python) go through a HelloRetryRequest.
- MariaDB 10.11 (OpenSSL) alerts as PostgreSQL does (and `unsupported_certificate`
  for a leaf without the clientAuth EKU), the reset following so closely that
  a client may report an EOF instead of the alert. Without a certificate
  (`REQUIRE X509`) or with another subject (`REQUIRE SUBJECT`) the handshake
  completes and the answer is `ERR 1045 (28000) Access denied for user ...
  (using password: NO)`, the same for both; only the server log says "X509
  subject mismatch". It closes with a FIN, without close_notify.
- Mosquitto 2.0 (OpenSSL, `require_certificate true`) requires the
  certificate in the handshake: `handshake_failure` (TLS 1.2) or
  `certificate_required` (TLS 1.3) without one, `unknown_ca`,
  `certificate_expired` or `unsupported_certificate` for a bad one, each
  followed at once by a reset. With `use_identity_as_username` it accepts
  every certificate that verifies (the identity bypasses `password_file`;
  ACLs act on topics only, after CONNACK 0), so its refusal after a good
  handshake here is CONNACK 5 (not authorized) from a listener that also wants
  a password. `require_certificate false` sends no CertificateRequest at all,
  and `use_identity_as_username` then answers CONNACK 4. mosquitto_pub's
  `--tls-version` is a minimum; the maximum was set with `OPENSSL_CONF`.
- Postfix 3.7 always completes the handshake (its verification never fails
  it), then smtpd answers inside TLS: `421 4.7.1 ... Error: No client
  certificate presented`, or `Client certificate not trusted` whatever the
  reason (expired, foreign CA, self-signed, leaf without its intermediate; only
  the log says which), then close_notify and FIN. Relaying by fingerprint
  (`check_ccert_access`) refuses an unknown certificate at RCPT TO: `554 5.7.1
  <...>: Relay access denied`. Without keys a TLS 1.2 refusal looks like a
  good handshake. The private instance runs as root (`master -d`, its queue
  made by `postfix check`); `inet_interfaces` must name an address configured
  on an interface, which 127.0.0.N is not, so it is `loopback-only` and the
  smtpd's address is in master.cf; `maillog_file_prefixes` allows the log file.
- slapd 2.5 (GnuTLS, `TLSVerifyClient demand`) never sends an alert. Without a
  certificate it aborts the handshake (in TLS 1.2 before its Finished, at
  times right after the empty Certificate) and closes (FIN, then RST). With a
  bad certificate it completes the TLS 1.2 handshake (its Finished) and closes
  at once; in TLS 1.3 it closes after the client's Finished. Its refusals
  after a good handshake are LDAP result codes (`insufficientAccessRights`,
  "no write access to parent", for an add by a certificate the ACL does not
  name).
- libldap's GnuTLS (ldapwhoami, ldapadd) sends its certificate only when an
  issuer of its chain is named in the CertificateRequest, as Java does: the
  foreign-CA, self-signed and leaf-only `ldapwhoami` captures hold an empty
  Certificate. gnutls-cli sends its certificate anyway (the `slapd-*-gnutls-*`
  captures).
- A TLS 1.2 handshake that ends before the client's key exchange has no
  secrets to log; slapd's own key log (GnuTLS) stands in when the client's is
  empty.
EOF
} >"$out/README.md"
echo "captures written to $out in ${elapsed}s"
