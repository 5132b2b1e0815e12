package dnssectest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// The test domains. Parent is a signed zone whose key is the resolver's
// trust anchor; the others hang below it.
const (
	// Parent is the signed zone; its DS record is the trust anchor.
	Parent = "example.test."
	// Secure is a domain whose answers validate (AD=1): Parent itself.
	Secure = Parent
	// Insecure is an unsigned child zone, delegated from Parent without a
	// DS record; the signed NSEC record at the delegation proves that
	// there is none, so its answers are insecure (AD=0), not bogus.
	Insecure = "insecure.example.test."
	// Bogus is a child zone signed with a key whose DS record is in
	// Parent, but with signatures that expired 10 days ago: the resolver
	// answers SERVFAIL.
	Bogus = "bogus.example.test."
	// Tampered is a name inside Parent whose records were changed after
	// the zone was signed, as an attacker on the path would: the
	// signatures no longer match, and the resolver answers SERVFAIL.
	Tampered = "tampered.example.test."
)

// The records every test domain D serves (see [Records]).
const (
	IMAPSPort       = 993
	SubmissionsPort = 465
	// PACCDigest is the d= value of the PACC TXT record: the published
	// test vector of draft-ietf-mailmaint-pacc-04.
	PACCDigest = "Yv17O1u1N+KeOhLF0eZv/RNE2t6o6NHAYCskZubeISE="
)

// Records returns, in zone-file syntax, the records that each of the test
// domains (Secure, Insecure, Bogus, Tampered) holds, with domain as the
// owner's suffix:
//
//	D                   MX  10 mx.D
//	_imaps._tcp.D       SRV 0 1 993 imap.D
//	_submissions._tcp.D SRV 0 1 465 smtp.D
//	_ua-auto-config.D   TXT "v=UAAC1; a=sha256; " "d=<PACCDigest>" (two strings)
//	imap.D, smtp.D, mx.D A 127.0.0.1, AAAA ::1
//	mail.D              CNAME imap.D
//
// For Tampered these are the records as signed; the server sends changed
// ones (see [Tampered]).
func Records(domain string) []string {
	d := dns.Fqdn(strings.ToLower(domain))
	return []string{
		d + " 300 IN MX 10 mx." + d,
		fmt.Sprintf("_imaps._tcp.%s 300 IN SRV 0 1 %d imap.%s", d, IMAPSPort, d),
		fmt.Sprintf("_submissions._tcp.%s 300 IN SRV 0 1 %d smtp.%s", d, SubmissionsPort, d),
		`_ua-auto-config.` + d + ` 300 IN TXT "v=UAAC1; a=sha256; " "d=` + PACCDigest + `"`,
		"imap." + d + " 300 IN A 127.0.0.1",
		"imap." + d + " 300 IN AAAA ::1",
		"smtp." + d + " 300 IN A 127.0.0.1",
		"smtp." + d + " 300 IN AAAA ::1",
		"mx." + d + " 300 IN A 127.0.0.1",
		"mx." + d + " 300 IN AAAA ::1",
		"mail." + d + " 300 IN CNAME imap." + d,
	}
}

// apexRecords returns the SOA, NS and glue of a zone.
func apexRecords(zone string) []string {
	return []string{
		zone + " 300 IN SOA ns." + zone + " hostmaster." + zone + " 1 3600 600 86400 300",
		zone + " 300 IN NS ns." + zone,
		"ns." + zone + " 300 IN A 127.0.0.1",
	}
}

// A signer makes keys and signs zones with the ldns tools in dir.
type signer struct {
	t      testing.TB
	dir    string
	keygen string
	sign   string
}

// sign writes the zone's records to a file, signs them with a new
// ECDSAP256SHA256 key whose signatures are valid from inception to
// expiration, and returns the signed records and the key's DS record.
func (s *signer) signZone(zone string, records []string, inception, expiration time.Time) (signed []dns.RR, ds string) {
	s.t.Helper()
	base := strings.TrimSuffix(zone, ".")
	zoneFile := filepath.Join(s.dir, base+".zone")
	writeFile(s.t, zoneFile, strings.Join(records, "\n")+"\n")
	out := s.run(s.keygen, "-a", "ECDSAP256SHA256", "-k", zone)
	key := strings.TrimSpace(out)
	if key == "" || strings.ContainsAny(key, "/\n") {
		s.t.Fatalf("dnssectest: ldns-keygen printed %q, want a key name", out)
	}
	dsText, err := os.ReadFile(filepath.Join(s.dir, key+".ds"))
	if err != nil {
		s.t.Fatalf("dnssectest: %v", err)
	}
	signedFile := zoneFile + ".signed"
	s.run(s.sign,
		"-i", strconv.FormatInt(inception.Unix(), 10),
		"-e", strconv.FormatInt(expiration.Unix(), 10),
		"-f", signedFile, zoneFile, key)
	return readZone(s.t, signedFile, zone), strings.TrimSpace(string(dsText))
}

// run runs a tool in the signer's directory and returns its output.
func (s *signer) run(argv ...string) string {
	s.t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = s.dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		s.t.Fatalf("dnssectest: %s: %v\n%s", strings.Join(argv, " "), err, stderr.String())
	}
	return string(out)
}

// readZone parses a zone file.
func readZone(t testing.TB, path, origin string) []dns.RR {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("dnssectest: %v", err)
	}
	defer f.Close()
	zp := dns.NewZoneParser(f, origin, path)
	var rrs []dns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		t.Fatalf("dnssectest: parse %s: %v", path, err)
	}
	return rrs
}

// parseRecords parses zone-file lines.
func parseRecords(t testing.TB, lines []string) []dns.RR {
	t.Helper()
	var rrs []dns.RR
	for _, l := range lines {
		rr, err := dns.NewRR(l)
		if err != nil || rr == nil {
			t.Fatalf("dnssectest: bad record %q: %v", l, err)
		}
		rrs = append(rrs, rr)
	}
	return rrs
}

// tamper changes, in place, the data of every record at or below name that
// a signature covers, the way an attacker on the path would: addresses
// become 192.0.2.66 or 2001:db8::66, SRV targets and MX hosts
// attacker.example., CNAME targets imap.example.test. (a signed name, so
// that only the alias itself is bogus), TXT records get a string added.
// Signatures, NSEC and DNSKEY records stay.
func tamper(rrs []dns.RR, name string) {
	const attacker = "attacker.example."
	for _, rr := range rrs {
		if !dns.IsSubDomain(name, rr.Header().Name) {
			continue
		}
		switch r := rr.(type) {
		case *dns.A:
			r.A = []byte{192, 0, 2, 66}
		case *dns.AAAA:
			r.AAAA = append([]byte{0x20, 0x01, 0x0d, 0xb8}, make([]byte, 11)...)
			r.AAAA = append(r.AAAA, 0x66)
		case *dns.MX:
			r.Mx = attacker
		case *dns.SRV:
			r.Target = attacker
		case *dns.CNAME:
			r.Target = "imap." + Parent
		case *dns.TXT:
			r.Txt = append(r.Txt, "tampered")
		}
	}
}

func writeFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatalf("dnssectest: %v", err)
	}
}
