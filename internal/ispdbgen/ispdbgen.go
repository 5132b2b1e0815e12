// Package ispdbgen turns a folder of Mozilla autoconfig v1.1 files (the
// Thunderbird ISP database, github.com/thunderbird/autoconfig, folder ispdb)
// into the Go source of the mailsettings package's ISPDB data layer: a
// string constant in a compact text encoding (see [Encode]), which the
// package decodes when it first builds its table. That costs the binary
// the bytes of the data, where Go composite literals cost several times
// as much machine code.
//
// Every file is read with [mailsettings.AutoconfigParser], so the generated
// data has passed the same checks as autoconfig fetched from the network.
// Output depends only on the folder's contents: files are read in name
// order and the source is formatted with go/format, so regenerating from
// the same input gives the same bytes.
package ispdbgen

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/mailsettings/mailsettings"
)

// IDPrefix starts the id of every provider the generator writes, so that
// ISPDB ids never collide with curated ones.
const IDPrefix = "ispdb:"

// A Drop is a piece of input the generator left out, and why.
type Drop struct {
	File   string // file name within the folder
	Entry  string // what was left out: a server entry, a domain or the file
	Reason string
}

func (d Drop) String() string { return d.File + ": " + d.Entry + ": " + d.Reason }

// A Fix is a known defect of the ISPDB that the generator corrects before
// parsing, instead of copying it or silently losing the entry.
type Fix struct {
	File     string
	Old, New string
	Why      string
}

// Fixes returns the corrections applied to the input. Generate fails if
// one no longer applies, so that a fix that upstream has made is noticed
// and removed here.
func Fixes() []Fix {
	return []Fix{{
		File: "office365.com.xml",
		Old:  "<username>%EMAILADDRESS</username>",
		New:  "<username>%EMAILADDRESS%</username>",
		Why:  "placeholder without its closing % (ews and owa entries)",
	}, {
		File: "pdx.edu.xml",
		Old: "    <incomingServer type=\"imap\">\n      <hostname>psumail.pdx.edu</hostname>\n      <port>587</port>\n" +
			"      <socketType>STARTTLS</socketType>\n      <authentication>password-encrypted</authentication>\n" +
			"      <username>%EMAILADDRESS%</username>\n    </incomingServer>\n",
		Why: "IMAP on port 587, the SMTP submission port: a copy of the SMTP entry; removed, IMAP on 993 remains",
	}, {
		File: "arubapec.it.xml",
		Old: "    <incomingServer type=\"pop3\">\n      <hostname>pop3s.pec.aruba.it</hostname>\n      <port>993</port>\n" +
			"      <socketType>SSL</socketType>\n      <username>%EMAILADDRESS%</username>\n" +
			"      <authentication>password-cleartext</authentication>\n    </incomingServer>\n",
		Why: "POP3 on port 993, the IMAPS port: could not be confirmed; removed, IMAP and SMTP remain",
	}}
}

// Result is the output of [Generate].
type Result struct {
	Source []byte // gofmt-formatted Go source of ispdb_gen.go
	Data   string // the encoded providers (see [Encode]), held by Source
	// Infos are the providers written, as the package decodes them from
	// Data: in file name order, empty lists nil.
	Infos     []mailsettings.ProviderInfo
	Commit    string // ISPDB commit, from the folder's SOURCE file, or "unknown"
	Files     int    // autoconfig files read
	Providers int    // providers written
	Domains   int    // domains written
	Dropped   []Drop // what was left out, in input order
	Fixed     []Fix  // the fixes that were applied
}

// Generate reads every *.xml file in dir and returns the generated source.
// The ISPDB commit is read from a line "Commit: ID" in dir/SOURCE, if that
// file exists.
func Generate(dir string) (*Result, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("ispdbgen: no *.xml files in %s", dir)
	}
	slices.Sort(names)
	res := &Result{Commit: readCommit(filepath.Join(dir, "SOURCE"))}
	fixes := Fixes()
	var providers []mailsettings.ProviderInfo
	owner := map[string]string{} // domain -> file that claimed it
	ids := map[string]bool{}
	for _, name := range names {
		file := filepath.Base(name)
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		for _, f := range fixes {
			if f.File != file {
				continue
			}
			if !bytes.Contains(data, []byte(f.Old)) {
				return nil, fmt.Errorf("ispdbgen: fix for %s no longer applies (%s); remove it", f.File, f.Why)
			}
			data = bytes.ReplaceAll(data, []byte(f.Old), []byte(f.New))
			res.Fixed = append(res.Fixed, f)
		}
		res.Files++
		infos, drops, err := parseFile(file, data)
		res.Dropped = append(res.Dropped, drops...)
		if err != nil {
			res.Dropped = append(res.Dropped, Drop{file, "file", err.Error()})
			continue
		}
		for _, info := range infos {
			kept := info.Domains[:0]
			for _, d := range info.Domains {
				if prev, dup := owner[d]; dup {
					res.Dropped = append(res.Dropped, Drop{file, "domain " + strconv.Quote(d), "already listed by " + prev})
					continue
				}
				owner[d] = file
				kept = append(kept, d)
			}
			if len(kept) == 0 {
				res.Dropped = append(res.Dropped, Drop{file, "provider " + strconv.Quote(info.ID), "no domain left"})
				continue
			}
			info.Domains = kept
			if ids[info.ID] {
				return nil, fmt.Errorf("ispdbgen: %s: provider id %q used twice", file, info.ID)
			}
			ids[info.ID] = true
			info.Source = "Thunderbird ISPDB " + file
			normalize(&info)
			providers = append(providers, info)
			res.Providers++
			res.Domains += len(kept)
		}
	}
	data, err := Encode(providers)
	if err != nil {
		return nil, err
	}
	src, err := render(data, len(providers), res.Commit)
	if err != nil {
		return nil, err
	}
	res.Source, res.Data, res.Infos = src, data, providers
	return res, nil
}

// normalize makes empty lists nil, as the decoder returns them.
func normalize(info *mailsettings.ProviderInfo) {
	if len(info.Notes) == 0 {
		info.Notes = nil
	}
	if info.OAuth2 != nil && len(info.OAuth2.Scopes) == 0 {
		info.OAuth2.Scopes = nil
	}
}

// readCommit returns the commit named in a SOURCE file, or "unknown".
func readCommit(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "unknown"
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Commit:"); ok {
			if f := strings.Fields(v); len(f) > 0 && isHex(f[0]) {
				return f[0]
			}
		}
	}
	return "unknown"
}

func isHex(s string) bool {
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return s != ""
}

// parseFile parses one file. A document whose host names use
// %EMAILDOMAIN% becomes one provider per domain; any other document one
// provider.
func parseFile(file string, data []byte) ([]mailsettings.ProviderInfo, []Drop, error) {
	var drops []Drop
	drop := func(entry string, reason error) { drops = append(drops, Drop{file, entry, reason.Error()}) }
	stem := strings.TrimSuffix(file, ".xml")
	if !hostnameUsesDomain(data) {
		info, err := mailsettings.AutoconfigParser{Dropped: drop}.Parse(bytes.NewReader(data))
		if err != nil {
			return nil, drops, err
		}
		info.ID = IDPrefix + stem
		if strings.Contains(info.Name, "%") {
			info.Name = stem
		}
		return []mailsettings.ProviderInfo{info}, drops, nil
	}
	// First pass: the domains. Host names with the placeholder are dropped
	// here, so report nothing from it.
	probe, err := mailsettings.AutoconfigParser{Domain: "example.invalid"}.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, drops, err
	}
	var infos []mailsettings.ProviderInfo
	for _, d := range probe.Domains {
		info, err := mailsettings.AutoconfigParser{Domain: d, Dropped: drop}.Parse(bytes.NewReader(data))
		if err != nil {
			drops = append(drops, Drop{file, "domain " + strconv.Quote(d), err.Error()})
			continue
		}
		info.ID = IDPrefix + stem
		if len(probe.Domains) > 1 {
			info.ID += "/" + d
		}
		info.Name = strings.ReplaceAll(info.Name, "%EMAILDOMAIN%", d)
		if strings.Contains(info.Name, "%") {
			info.Name = d
		}
		info.Domains = []string{d}
		infos = append(infos, info)
	}
	return infos, drops, nil
}

// hostnameUsesDomain reports whether some <hostname> holds %EMAILDOMAIN%.
func hostnameUsesDomain(data []byte) bool {
	for rest := data; ; {
		i := bytes.Index(rest, []byte("<hostname>"))
		if i < 0 {
			return false
		}
		rest = rest[i+len("<hostname>"):]
		j := bytes.Index(rest, []byte("</hostname>"))
		if j < 0 {
			return false
		}
		if bytes.Contains(rest[:j], []byte("%EMAILDOMAIN%")) {
			return true
		}
		rest = rest[j:]
	}
}

// The ISPDB encoding (see the mailsettings file ispdb.go, which decodes
// it): one line per provider, fields separated by tabs, trailing empty
// fields left out.
const (
	fieldSep = "\t"
	listSep  = " "
	nFields  = 13
)

// Encode returns the providers in the ISPDB encoding that the mailsettings
// package decodes when it first builds its table:
//
//   - one line per provider, each ended by "\n", in the given order;
//   - up to 13 fields per line, separated by "\t", trailing empty fields
//     left out: ID, Name, Domains, Endpoints, DocURL, Notes, SettingsURL,
//     Password, IMAPID, and the OAuth2 Issuer, Scopes, AuthURL and
//     TokenURL;
//   - lists (Domains, Endpoints, Notes, Scopes) separated by " ";
//   - an endpoint as "PEU:HOST:PORT", with P the protocol (i IMAP, p POP3,
//     s SMTP), E the encryption (t implicit TLS, s STARTTLS, p plaintext),
//     U the username form (a address, l local part, d local part.domain),
//     HOST left empty when it is the previous endpoint's, PORT decimal;
//   - a note as "p" (the plaintext note) or "e" followed by a URL (the
//     note to switch on IMAP/POP3 access there);
//   - Password as its text form, empty when unknown; IMAPID as "1" or
//     empty; no OAuth2 as an empty Issuer;
//   - Source is not written: it must be "Thunderbird ISPDB FILE.xml", FILE
//     being the ID without [IDPrefix], up to a "/".
//
// It fails for a value the encoding cannot carry, so that the generator
// never writes data that would decode differently.
func Encode(providers []mailsettings.ProviderInfo) (string, error) {
	var b strings.Builder
	for _, p := range providers {
		line, err := encodeProvider(p)
		if err != nil {
			return "", fmt.Errorf("ispdbgen: provider %q: %w", p.ID, err)
		}
		b.WriteString(line)
		b.WriteString("\n")
	}
	return b.String(), nil
}

func encodeProvider(p mailsettings.ProviderInfo) (string, error) {
	file, ok := strings.CutPrefix(p.ID, IDPrefix)
	file, _, _ = strings.Cut(file, "/")
	if !ok || file == "" || p.Source != "Thunderbird ISPDB "+file+".xml" {
		return "", fmt.Errorf("id without the %q prefix, or source %q not derived from it", IDPrefix, p.Source)
	}
	if p.Name == "" || len(p.Domains) == 0 || len(p.Endpoints) == 0 {
		return "", errors.New("no name, domain or endpoint")
	}
	if p.LastChecked != "" {
		return "", errors.New("LastChecked is set; ISPDB records are not checked by a person")
	}
	var f [nFields]string
	f[0], f[1], f[4], f[6] = p.ID, p.Name, p.DocURL, p.SettingsURL
	var err error
	if f[2], err = joinList(p.Domains); err != nil {
		return "", err
	}
	eps := make([]string, len(p.Endpoints))
	host := ""
	for i, e := range p.Endpoints {
		if e.Host == "" || strings.Contains(e.Host, ":") || !e.Protocol.Valid() || !e.Encryption.Valid() || !e.Username.Valid() || e.Port == 0 {
			return "", fmt.Errorf("endpoint %v cannot be encoded", e)
		}
		h := e.Host
		if h == host {
			h = ""
		}
		host = e.Host
		eps[i] = fmt.Sprintf("%c%c%c:%s:%d", "ips"[e.Protocol-1], "tsp"[e.Encryption-1], "ald"[e.Username-1], h, e.Port)
	}
	if f[3], err = joinList(eps); err != nil {
		return "", err
	}
	notes := make([]string, len(p.Notes))
	for i, n := range p.Notes {
		switch n.Kind {
		case mailsettings.NotePlaintext:
			notes[i] = "p"
		case mailsettings.NoteEnable:
			notes[i] = "e" + n.URL
		default:
			return "", fmt.Errorf("%w: %v", errNote, n.Kind)
		}
	}
	if f[5], err = joinList(notes); err != nil {
		return "", err
	}
	if p.Password != mailsettings.PasswordUnknown {
		t, err := p.Password.MarshalText()
		if err != nil {
			return "", err
		}
		f[7] = string(t)
	}
	if p.IMAPID {
		f[8] = "1"
	}
	if o := p.OAuth2; o != nil {
		if o.Issuer == "" {
			return "", errors.New("OAuth2 without an issuer")
		}
		f[9], f[11], f[12] = o.Issuer, o.AuthURL, o.TokenURL
		if f[10], err = joinList(o.Scopes); err != nil {
			return "", err
		}
	}
	for _, v := range f {
		if strings.ContainsAny(v, fieldSep+"\n") {
			return "", fmt.Errorf("field %q holds a tab or a newline", v)
		}
	}
	n := len(f)
	for n > 0 && f[n-1] == "" {
		n--
	}
	return strings.Join(f[:n], fieldSep), nil
}

// joinList joins the items of a list, which must not be empty or hold the
// separator.
func joinList(items []string) (string, error) {
	for _, s := range items {
		if s == "" || strings.Contains(s, listSep) {
			return "", fmt.Errorf("list item %q is empty or holds a space", s)
		}
	}
	return strings.Join(items, listSep), nil
}

var errNote = errors.New("ispdbgen: the parser returned a note kind the generator cannot write")

// render writes the Go source of ispdb_gen.go around the encoded data.
func render(data string, providers int, commit string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`// Code generated by internal/ispdbgen from the Thunderbird ISP database. DO NOT EDIT.

// This file is derived from the Thunderbird ISP database (ISPDB),
// https://github.com/thunderbird/autoconfig, folder ispdb, commit
// ` + commit + `.
//
// This Source Code Form is subject to the terms of the Mozilla Public
// License, v. 2.0. If a copy of the MPL was not distributed with this file,
// You can obtain one at https://mozilla.org/MPL/2.0/.

package mailsettings

`)
	short := commit
	if len(short) > 7 {
		short = short[:7]
	}
	fmt.Fprintf(&b, "// ispdbCommit is the abbreviated ISPDB commit this file was generated from.\nconst ispdbCommit = %q\n\n", short)
	fmt.Fprintf(&b, `// ispdbData is the ISPDB layer: %d providers, in file name order, one
// line each, encoded by internal/ispdbgen (see Encode there) and decoded by
// decodeISPDB (ispdb.go) when the table is first built. The fields of a
// line are separated by tabs, trailing empty ones left out: ID, name,
// domains, endpoints, doc URL, notes, settings URL, password, IMAP ID, and
// OAuth2 issuer, scopes, auth URL and token URL. Lists are separated by
// spaces. An endpoint is PEU:HOST:PORT: protocol i/p/s (IMAP, POP3, SMTP),
// encryption t/s/p (implicit TLS, STARTTLS, plaintext), username a/l/d
// (address, local part, local part.domain), HOST empty when unchanged. A
// note is p (plaintext) or e followed by the URL where access is switched
// on. The source is derived from the ID: Thunderbird ISPDB FILE.xml.
`, providers)
	b.WriteString("const ispdbData = \"\"")
	for rest := data; rest != ""; {
		line, after, _ := strings.Cut(rest, "\n")
		rest = after
		fmt.Fprintf(&b, " +\n%s", strconv.Quote(line+"\n"))
	}
	b.WriteString("\n")
	return format.Source(b.Bytes())
}
