// Package ispdbgen turns a folder of Mozilla autoconfig v1.1 files (the
// Thunderbird ISP database, github.com/thunderbird/autoconfig, folder ispdb)
// into the Go source of the mailsettings package's ISPDB data layer.
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
	Source    []byte // gofmt-formatted Go source of ispdb_gen.go
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
			providers = append(providers, info)
			res.Providers++
			res.Domains += len(kept)
		}
	}
	src, err := render(providers, res.Commit)
	if err != nil {
		return nil, err
	}
	res.Source = src
	return res, nil
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

var errNote = errors.New("ispdbgen: the parser returned a note kind the generator cannot write")

// render writes the providers as Go source.
func render(providers []mailsettings.ProviderInfo, commit string) ([]byte, error) {
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
	fmt.Fprintf(&b, "// ispdbProviders returns the ISPDB layer: %d providers, in file name order.\n", len(providers))
	b.WriteString("func ispdbProviders() []ProviderInfo {\nreturn []ProviderInfo{\n")
	for _, p := range providers {
		if err := writeProvider(&b, p); err != nil {
			return nil, err
		}
	}
	b.WriteString("}\n}\n")
	return format.Source(b.Bytes())
}

func writeProvider(b *bytes.Buffer, p mailsettings.ProviderInfo) error {
	fmt.Fprintf(b, "{\nID: %q,\nName: %q,\nDomains: []string{", p.ID, p.Name)
	for i, d := range p.Domains {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(b, "%q", d)
	}
	b.WriteString("},\nEndpoints: []ServerEndpoint{\n")
	for _, e := range p.Endpoints {
		fmt.Fprintf(b, "ep(%s, %q, %d, %s, %s),\n", e.Protocol, e.Host, e.Port, encName(e.Encryption), userName(e.Username))
	}
	b.WriteString("},\n")
	if p.DocURL != "" {
		fmt.Fprintf(b, "DocURL: %q,\n", p.DocURL)
	}
	if p.SettingsURL != "" {
		fmt.Fprintf(b, "SettingsURL: %q,\n", p.SettingsURL)
	}
	if p.Password != mailsettings.PasswordUnknown {
		fmt.Fprintf(b, "Password: %s,\n", passwordName(p.Password))
	}
	if p.IMAPID {
		b.WriteString("IMAPID: true,\n")
	}
	if o := p.OAuth2; o != nil {
		fmt.Fprintf(b, "OAuth2: &OAuth2{\nIssuer: %q,\n", o.Issuer)
		if len(o.Scopes) > 0 {
			b.WriteString("Scopes: []string{")
			for i, s := range o.Scopes {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(b, "%q", s)
			}
			b.WriteString("},\n")
		}
		if o.AuthURL != "" {
			fmt.Fprintf(b, "AuthURL: %q,\n", o.AuthURL)
		}
		if o.TokenURL != "" {
			fmt.Fprintf(b, "TokenURL: %q,\n", o.TokenURL)
		}
		b.WriteString("},\n")
	}
	if len(p.Notes) > 0 {
		b.WriteString("Notes: []Note{")
		for i, n := range p.Notes {
			if i > 0 {
				b.WriteString(", ")
			}
			switch n.Kind {
			case mailsettings.NoteEnable:
				fmt.Fprintf(b, "enableNote(%q)", n.URL)
			case mailsettings.NotePlaintext:
				b.WriteString("plaintextNote()")
			default:
				return fmt.Errorf("%w: %v in %s", errNote, n.Kind, p.ID)
			}
		}
		b.WriteString("},\n")
	}
	fmt.Fprintf(b, "Source: %q,\n},\n", p.Source)
	return nil
}

func encName(e mailsettings.Encryption) string {
	switch e {
	case mailsettings.ImplicitTLS:
		return "ImplicitTLS"
	case mailsettings.STARTTLS:
		return "STARTTLS"
	}
	return "Plaintext"
}

func userName(u mailsettings.UsernameForm) string {
	switch u {
	case mailsettings.UsernameAddress:
		return "addr"
	case mailsettings.UsernameLocalPart:
		return "UsernameLocalPart"
	}
	return "UsernameLocalPartDotDomain"
}

func passwordName(k mailsettings.PasswordKind) string {
	switch k {
	case mailsettings.PasswordAccount:
		return "PasswordAccount"
	case mailsettings.PasswordApp:
		return "PasswordApp"
	case mailsettings.PasswordAuthCode:
		return "PasswordAuthCode"
	}
	return "PasswordOAuth2Only"
}
