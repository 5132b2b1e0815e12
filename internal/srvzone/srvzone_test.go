package srvzone

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var sample = []Record{
	{Service: "imaps", Host: "imap.example.com", Port: 993, Priority: 0, Weight: 1},
	{Service: "imaps", Host: "imap2.example.com", Port: 993, Priority: 10, Weight: 1},
	{Service: "submissions", Host: "smtp.example.com", Port: 465, Priority: 0, Weight: 1},
	{Service: "submission", Host: "smtp.example.com", Port: 587, Priority: 5, Weight: 0},
	{Service: "submission", Host: "smtp-b.example.com", Port: 587, Priority: 5, Weight: 20},
	{Service: "imap", Host: "."},
	{Service: "imaps", Host: "imap.example.com", Port: 993, Priority: 0, Weight: 1}, // a duplicate
}

func TestLinesGolden(t *testing.T) {
	lines, err := Lines("example.com", 3600, sample)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(lines, "\n") + "\n"
	path := filepath.Join("testdata", "example.com.golden.zone")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Errorf("Lines =\n%s\nwant\n%s", got, want)
	}
	// The order of the input does not matter.
	rev := slices.Clone(sample)
	slices.Reverse(rev)
	again, _ := Lines("example.com", 3600, rev)
	if !slices.Equal(again, lines) {
		t.Errorf("order-dependent:\n%q\n%q", again, lines)
	}
}

// TestLinesParseWithMiekgDNS reads the lines back with miekg/dns, an
// independent zone-file parser, record by record and as a zone.
func TestLinesParseWithMiekgDNS(t *testing.T) {
	lines, err := Lines("example.com", 3600, sample)
	if err != nil {
		t.Fatal(err)
	}
	type srv struct {
		name, target       string
		port, prio, weight uint16
		ttl                uint32
	}
	want := []srv{
		{"_submissions._tcp.example.com.", "smtp.example.com.", 465, 0, 1, 3600},
		{"_submission._tcp.example.com.", "smtp-b.example.com.", 587, 5, 20, 3600},
		{"_submission._tcp.example.com.", "smtp.example.com.", 587, 5, 0, 3600},
		{"_imaps._tcp.example.com.", "imap.example.com.", 993, 0, 1, 3600},
		{"_imaps._tcp.example.com.", "imap2.example.com.", 993, 10, 1, 3600},
		{"_imap._tcp.example.com.", ".", 0, 0, 0, 3600},
		{"_pop3s._tcp.example.com.", ".", 0, 0, 0, 3600},
		{"_pop3._tcp.example.com.", ".", 0, 0, 0, 3600},
	}
	var got []srv
	zp := dns.NewZoneParser(strings.NewReader(strings.Join(lines, "\n")+"\n"), "", "")
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		s, isSRV := rr.(*dns.SRV)
		if !isSRV || s.Hdr.Class != dns.ClassINET {
			t.Fatalf("not an IN SRV record: %v", rr)
		}
		got = append(got, srv{s.Hdr.Name, s.Target, s.Port, s.Priority, s.Weight, s.Hdr.Ttl})
	}
	if err := zp.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("parsed\n%v\nwant\n%v", got, want)
	}
	for _, l := range lines {
		rr, err := dns.NewRR(l)
		if err != nil || rr.String() == "" {
			t.Errorf("dns.NewRR(%q) = %v, %v", l, rr, err)
		}
	}
}

func TestLinesNothingOffered(t *testing.T) {
	lines, err := Lines("xn--bcher-kva.example", 0, nil)
	if err != nil || len(lines) != 6 {
		t.Fatalf("Lines = %q, %v", lines, err)
	}
	for i, l := range lines {
		want := "_" + Services()[i] + "._tcp.xn--bcher-kva.example. IN SRV 0 0 0 ."
		if l != want {
			t.Errorf("line %d = %q, want %q", i, l, want)
		}
		rr, err := dns.NewRR(l)
		if s, ok := rr.(*dns.SRV); err != nil || !ok || s.Target != "." || s.Port != 0 {
			t.Errorf("line %d reads back as %v, %v", i, rr, err)
		}
	}
}

func TestLinesRefuses(t *testing.T) {
	cases := map[string]struct {
		domain string
		recs   []Record
	}{
		"unknown service":     {"example.com", []Record{{Service: "smtp", Host: "smtp.example.com", Port: 25}}},
		"service with _":      {"example.com", []Record{{Service: "_imaps", Host: "imap.example.com", Port: 993}}},
		"upper-case domain":   {"Example.com", nil},
		"domain with a dot":   {"example.com.", nil},
		"single-label domain": {"localhost", nil},
		"IP host":             {"example.com", []Record{{Service: "imaps", Host: "192.0.2.1", Port: 993}}},
		"host with a dot":     {"example.com", []Record{{Service: "imaps", Host: "imap.example.com.", Port: 993}}},
		"host with a port":    {"example.com", []Record{{Service: "imaps", Host: "imap.example.com:993", Port: 993}}},
		"upper-case host":     {"example.com", []Record{{Service: "imaps", Host: "IMAP.example.com", Port: 993}}},
		"offered on port 0":   {"example.com", []Record{{Service: "imaps", Host: "imap.example.com"}}},
		"not offered, port":   {"example.com", []Record{{Service: "imap", Host: ".", Port: 143}}},
		"not offered, weight": {"example.com", []Record{{Service: "imap", Weight: 1}}},
		"offered and not":     {"example.com", []Record{{Service: "imap", Host: "."}, {Service: "imap", Host: "imap.example.com", Port: 143}}},
		"newline in the host": {"example.com", []Record{{Service: "imaps", Host: "imap.example.com\n@ IN A 192.0.2.1", Port: 993}}},
	}
	for name, c := range cases {
		if lines, err := Lines(c.domain, 60, c.recs); !errors.Is(err, ErrRecord) {
			t.Errorf("%s: %q, %v, want ErrRecord", name, lines, err)
		}
	}
	if s := Services(); len(s) != 6 || s[0] != "submissions" {
		t.Errorf("Services = %q", s)
	}
	Services()[0] = "changed"
	if Services()[0] != "submissions" {
		t.Error("Services returned the package's own array")
	}
}
