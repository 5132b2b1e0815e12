// Package dnssectest runs a real validating resolver, Debian's unbound, on
// loopback for tests, in front of zones signed at test time: a signed zone
// whose key is the resolver's trust anchor, an unsigned child delegated
// from it, a child whose signatures expired, and names whose records were
// changed after signing (see [Secure], [Insecure], [Bogus], [Tampered]).
//
// The zones are signed with the ldns tools (ldns-keygen, ldns-signzone,
// Debian package ldnsutils) with keys made in a temporary directory, served
// by an authoritative DNS server in the test process on 127.0.0.1, and
// unbound, a child process of the test binary with a throwaway
// configuration, resolves them through a stub-zone. Nothing leaves
// loopback: unbound refuses every name outside [Parent].
//
// It is for tests only; the mailsettings library does not import it.
package dnssectest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings/internal/testenv"
	"github.com/miekg/dns"
)

const installHint = "apt-get install unbound ldnsutils"

// A Resolver is a running validating resolver started by [Start].
type Resolver struct {
	// Addr is unbound's address, "127.0.0.1:PORT", UDP and TCP.
	Addr string
	// AuthAddr is the address of the authoritative server for the test
	// zones, "127.0.0.1:PORT", UDP and TCP. Asked directly it sets no AD
	// bit: it validates nothing.
	AuthAddr string
	// TrustAnchor is the DS record of Parent that unbound trusts, in
	// zone-file syntax.
	TrustAnchor string
	// Config is the unbound configuration in use.
	Config string

	auth *authServer
	proc *process
}

// AuthQuestions returns the questions the authoritative server has been
// asked so far, each as "name. TYPE", in order: what unbound needed to
// resolve and validate.
func (r *Resolver) AuthQuestions() []string { return r.auth.Questions() }

// Logs returns what unbound has written to its log so far.
func (r *Resolver) Logs() string { return r.proc.Logs() }

// Require checks that unbound and the ldns tools are installed. When one is
// missing it fails the test with t.Fatalf if the environment variable CI is
// set to a non-empty value other than "false" or "0", so that CI cannot
// silently skip the DNSSEC tests, and otherwise skips the test, naming the
// packages to install.
func Require(t testing.TB) {
	t.Helper()
	require(t, binaries()...)
}

// binaries returns the programs Start runs.
func binaries() []string {
	return []string{"unbound", "unbound-checkconf", "ldns-keygen", "ldns-signzone"}
}

func require(t testing.TB, names ...string) {
	t.Helper()
	testenv.RequireBinaries(t, "dnssectest", installHint+" (or .ci/install-dnssec.sh)", names...)
}

// apparmorProfiles lists the loaded AppArmor profiles and their modes.
const apparmorProfiles = "/sys/kernel/security/apparmor/profiles"

// requireUnconfined skips (or, in CI, fails) the test when AppArmor
// enforces Debian's profile for unbound, which forbids reading a
// configuration outside /etc/unbound. Unknown (the file is missing or
// unreadable) counts as unconfined.
func requireUnconfined(t testing.TB, profiles string) {
	t.Helper()
	b, err := os.ReadFile(profiles)
	if err != nil {
		return
	}
	for line := range strings.Lines(string(b)) {
		if strings.HasPrefix(line, "unbound ") && strings.Contains(line, "(enforce)") {
			testenv.Unusable(t, "dnssectest: AppArmor enforces the profile \"unbound\", which keeps /usr/sbin/unbound from reading a test configuration; "+
				"disable it: ln -s /etc/apparmor.d/usr.sbin.unbound /etc/apparmor.d/disable/ && apparmor_parser -R /etc/apparmor.d/usr.sbin.unbound (or run .ci/install-dnssec.sh)")
			return
		}
	}
}

// Start signs the test zones with new keys, serves them on loopback, and
// starts unbound with Parent's DS record as its only trust anchor. It
// returns once unbound answers. extra records, in zone-file syntax, are
// added before signing to the zone of the deepest test domain their owner
// is in (and, under Tampered, tampered with like the others); owners
// outside Parent are an error.
//
// unbound and the authoritative server are stopped when the test ends;
// unbound's log is written to the test log if the test failed. The test is
// skipped, or failed in CI, when unbound or the ldns tools are missing
// (see [Require]).
func Start(t testing.TB, extra ...string) *Resolver {
	t.Helper()
	return start(t, freePort, extra...)
}

// start is Start with the function that picks unbound's port.
func start(t testing.TB, pickPort func() (int, error), extra ...string) *Resolver {
	t.Helper()
	Require(t)
	requireUnconfined(t, apparmorProfiles)
	bins := map[string]string{}
	for _, b := range binaries() {
		p, err := testenv.LookBinary(b)
		if err != nil {
			t.Fatalf("dnssectest: %v", err)
		}
		bins[b] = p
	}
	dir := t.TempDir()

	// The records of each zone, before signing.
	zoneRecords := map[string][]string{
		Parent:   append(apexRecords(Parent), append(Records(Secure), Records(Tampered)...)...),
		Insecure: append(apexRecords(Insecure), Records(Insecure)...),
		Bogus:    append(apexRecords(Bogus), Records(Bogus)...),
	}
	for _, child := range []string{Insecure, Bogus} {
		// The delegation and its glue.
		zoneRecords[Parent] = append(zoneRecords[Parent],
			child+" 300 IN NS ns."+child, "ns."+child+" 300 IN A 127.0.0.1")
	}
	for _, rr := range parseRecords(t, extra) {
		owner := strings.ToLower(rr.Header().Name)
		var in string
		for _, z := range []string{Insecure, Bogus, Parent} {
			if dns.IsSubDomain(z, owner) {
				in = z
				break
			}
		}
		if in == "" {
			t.Fatalf("dnssectest: extra record %q is outside %s", rr.String(), Parent)
		}
		zoneRecords[in] = append(zoneRecords[in], rr.String())
	}

	s := &signer{t: t, dir: dir, keygen: bins["ldns-keygen"], sign: bins["ldns-signzone"]}
	now := time.Now()
	// Expired: valid from 30 to 10 days ago, beyond unbound's largest
	// allowance for clock skew (one day).
	bogus, bogusDS := s.signZone(Bogus, zoneRecords[Bogus], now.Add(-30*24*time.Hour), now.Add(-10*24*time.Hour))
	zoneRecords[Parent] = append(zoneRecords[Parent], bogusDS)
	parent, anchor := s.signZone(Parent, zoneRecords[Parent], now.Add(-time.Hour), now.Add(30*24*time.Hour))
	tamper(parent, Tampered)

	auth := startAuth(t,
		newZone(Parent, parent),
		newZone(Insecure, parseRecords(t, zoneRecords[Insecure])),
		newZone(Bogus, bogus),
	)
	anchorFile := filepath.Join(dir, "trust-anchor.ds")
	writeFile(t, anchorFile, anchor+"\n")

	r := startUnbound(t, bins["unbound"], bins["unbound-checkconf"], dir, auth.addr, anchorFile, pickPort)
	r.AuthAddr = auth.addr
	r.TrustAnchor = anchor
	r.auth = auth
	return r
}
