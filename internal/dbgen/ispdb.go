package main

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/mailsettings/mailsettings"
)

// A drop is a piece of input the generator left out, and why.
type drop struct {
	File   string // source reference, such as "ispdb:gmx.net.xml"
	Entry  string // what was left out: a server entry, a domain, the file
	Reason string
}

func (d drop) String() string { return d.File + ": " + d.Entry + ": " + d.Reason }

// A fix is a known defect of the ISPDB that the generator corrects before
// parsing, instead of copying it or silently losing the entry.
type fix struct {
	File     string
	Old, New string
	Why      string
}

// ispdbFixes returns the corrections applied to the ISPDB. Reading fails if
// one no longer applies, so that a fix made upstream is noticed and removed
// here.
func ispdbFixes() []fix {
	return []fix{{
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
	}, {
		File: "broba.cc.xml",
		Old:  "<domain>coral.broba.ccv</domain>",
		New:  "<domain>coral.broba.cc</domain>",
		Why:  "domain coral.broba.ccv: there is no top-level domain .ccv, and the file's other domains are garnet., amethyst. and diamond.broba.cc",
	}}
}

// An ispdbFile is one parsed ISPDB file.
type ispdbFile struct {
	name  string // file name, such as "gmx.net.xml"
	ref   string // "ispdb:" + name
	infos []mailsettings.ProviderInfo
	// mxFlagged are the domains listed under a comment that mentions MX:
	// candidates for MX lookup keys, which a person decides about (see
	// decisions.MXKeys and KeepDomains).
	mxFlagged []string
}

// An ispdbSnapshot is the ISPDB folder, read.
type ispdbSnapshot struct {
	commit, date string
	files        []*ispdbFile
	dropped      []drop
	fixed        []fix
}

// readISPDB reads every *.xml file in dir with the package's own
// autoconfig parser, so that the data has passed the checks that
// autoconfig fetched from the network passes. The commit and its date come
// from the line "Commit: ID (YYYY-MM-DD)" of dir/SOURCE.
func readISPDB(dir string) (*ispdbSnapshot, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("dbgen: no *.xml files in %s", dir)
	}
	slices.Sort(names)
	snap := &ispdbSnapshot{}
	if snap.commit, snap.date, err = readCommit(filepath.Join(dir, "SOURCE")); err != nil {
		return nil, err
	}
	fixes := ispdbFixes()
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
				return nil, fmt.Errorf("dbgen: fix for %s no longer applies (%s); remove it", f.File, f.Why)
			}
			data = bytes.ReplaceAll(data, []byte(f.Old), []byte(f.New))
			snap.fixed = append(snap.fixed, f)
		}
		f := &ispdbFile{name: file, ref: "ispdb:" + file}
		var drops []drop
		f.infos, drops, err = parseISPDBFile(f.ref, data)
		snap.dropped = append(snap.dropped, drops...)
		if err != nil {
			snap.dropped = append(snap.dropped, drop{f.ref, "file", err.Error()})
			continue
		}
		if f.mxFlagged, err = mxFlagged(data); err != nil {
			return nil, fmt.Errorf("dbgen: %s: %w", file, err)
		}
		snap.files = append(snap.files, f)
	}
	return snap, nil
}

var commitLine = regexp.MustCompile(`^Commit:\s+([0-9a-f]{40})\s+\((\d{4}-\d\d-\d\d)\)`)

// readCommit returns the commit and its date named in a SOURCE file.
func readCommit(path string) (commit, date string, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", "", err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if m := commitLine.FindStringSubmatch(sc.Text()); m != nil {
			return m[1], m[2], nil
		}
	}
	return "", "", fmt.Errorf("dbgen: %s has no line \"Commit: HASH (YYYY-MM-DD)\"", path)
}

// parseISPDBFile parses one file. A document whose host names use
// %EMAILDOMAIN% becomes one provider per domain; any other document one
// provider. IDs are the file name without .xml, or the domain for a
// per-domain provider of a file with several domains.
func parseISPDBFile(ref string, data []byte) ([]mailsettings.ProviderInfo, []drop, error) {
	var drops []drop
	dropped := func(entry string, reason error) { drops = append(drops, drop{ref, entry, reason.Error()}) }
	stem := strings.TrimSuffix(strings.TrimPrefix(ref, "ispdb:"), ".xml")
	if !hostnameUsesDomain(data) {
		info, err := mailsettings.AutoconfigParser{Dropped: dropped}.Parse(bytes.NewReader(data))
		if err != nil {
			return nil, drops, err
		}
		info.ID = stem
		if strings.Contains(info.Name, "%") {
			info.Name = stem
		}
		return []mailsettings.ProviderInfo{info}, drops, nil
	}
	// First pass: the domains. Host names with the placeholder are dropped
	// here, so report nothing from it.
	first, err := mailsettings.AutoconfigParser{Domain: "example.invalid"}.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, drops, err
	}
	var infos []mailsettings.ProviderInfo
	for _, d := range first.Domains {
		info, err := mailsettings.AutoconfigParser{Domain: d, Dropped: dropped}.Parse(bytes.NewReader(data))
		if err != nil {
			drops = append(drops, drop{ref, "domain " + strconv.Quote(d), err.Error()})
			continue
		}
		info.ID = stem
		if len(first.Domains) > 1 {
			info.ID = d
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

var mxWord = regexp.MustCompile(`\bMX\b`)

// mxFlagged returns the domains of the document's first emailProvider that
// follow a comment mentioning MX (up to the next comment): the ISPDB's way
// of marking MX lookup keys, such as kundenserver.de under "Hosting
// customers, MX servers".
func mxFlagged(data []byte) ([]string, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var out []string
	depth, flagged, inDomain := 0, false, false
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 3 && t.Name.Local == "domain" {
				inDomain = true
				text.Reset()
			}
		case xml.EndElement:
			if inDomain && depth == 3 {
				inDomain = false
				if flagged {
					out = append(out, strings.ToLower(strings.TrimSpace(text.String())))
				}
			}
			depth--
			if depth == 1 && t.Name.Local == "emailProvider" {
				return out, nil
			}
		case xml.CharData:
			if inDomain {
				text.Write(t)
			}
		case xml.Comment:
			if depth == 2 {
				flagged = mxWord.Match(t)
			}
		}
	}
}
