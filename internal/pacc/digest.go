package pacc

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Limits on the TXT answer at _ua-auto-config.DOMAIN.
const (
	maxTXTRecords   = 64
	maxTXTRecordLen = 4096
)

// Errors from VerifyDigest, each wrapped with details.
var (
	// ErrNoDigestRecord: no TXT record is a usable UAAC1 record.
	ErrNoDigestRecord = errors.New("pacc: no v=UAAC1; a=sha256 TXT record")
	// ErrDigestMismatch: UAAC1 records exist, but none matches the body.
	ErrDigestMismatch = errors.New("pacc: the document does not match the digest in DNS")
)

// Path is the path of a domain's document at https://ua-auto-config.DOMAIN.
const Path = "/.well-known/user-agent-configuration.json"

// URL returns the URL of domain's document.
func URL(domain string) string { return "https://ua-auto-config." + domain + Path }

// TXTName returns the name of the TXT record that holds the digest of
// domain's document.
func TXTName(domain string) string { return "_ua-auto-config." + domain }

// TXTRecord returns the TXT record value to publish for the exact bytes
// body: "v=UAAC1; a=sha256; d=" and the base64 SHA-256 of body. The value
// is 66 bytes, so it fits in one character-string.
func TXTRecord(body []byte) string {
	sum := sha256.Sum256(body)
	return "v=UAAC1; a=sha256; d=" + base64.StdEncoding.EncodeToString(sum[:])
}

// VerifyDigest reports whether body is vouched for by the TXT records txt,
// each given as its character-strings (as net.LookupTXT returns them for
// one record, or miekg/dns's TXT.Txt). It returns true, nil if and only if
// base64(SHA-256(body)) equals the d= tag of some record of the form
// "v=UAAC1; a=sha256; d=...", comparing in constant time.
//
// The character-strings of a record are concatenated with no separator.
// Tags may come in any order, with white space around them and around "=",
// a final ";" and unknown tags; tag names and values are case-sensitive
// (RFC 6376 §3.2), and a record with a repeated tag, a tag without "=", or
// a digest that is not the base64 of 32 bytes is ignored. Several records
// may exist (as during a change of document); any one may match.
//
// When it returns false, the error wraps ErrDigestMismatch if some usable
// UAAC1 record exists, or ErrNoDigestRecord if none does. A body over
// MaxBodySize never matches.
func VerifyDigest(body []byte, txt [][]string) (bool, error) {
	if len(body) > MaxBodySize {
		return false, fmt.Errorf("%w: body larger than %d bytes", ErrDigestMismatch, MaxBodySize)
	}
	sum := sha256.Sum256(body)
	usable, matched := 0, 0
	for i, strs := range txt {
		if i >= maxTXTRecords {
			break
		}
		d, ok := parseRecord(strs)
		if !ok {
			continue
		}
		usable++
		// Every usable record is compared, so that timing does not say
		// which one matched.
		matched |= subtle.ConstantTimeCompare(d, sum[:])
	}
	switch {
	case matched == 1:
		return true, nil
	case usable > 0:
		return false, fmt.Errorf("%w (%d UAAC1 record(s) checked)", ErrDigestMismatch, usable)
	}
	return false, fmt.Errorf("%w among %d TXT record(s)", ErrNoDigestRecord, len(txt))
}

// parseRecord returns the digest of a UAAC1 SHA-256 record.
func parseRecord(strs []string) ([]byte, bool) {
	n := 0
	for _, s := range strs {
		n += len(s)
	}
	if n > maxTXTRecordLen {
		return nil, false
	}
	rec := strings.Join(strs, "")
	tags, ok := parseTagList(rec)
	if !ok || tags["v"] != "UAAC1" || tags["a"] != "sha256" {
		return nil, false
	}
	d, ok := tags["d"]
	if !ok {
		return nil, false
	}
	// White space inside a base64 value is allowed (RFC 6376 §3.2).
	d = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, d)
	digest, err := base64.StdEncoding.Strict().DecodeString(d)
	if err != nil || len(digest) != sha256.Size {
		return nil, false
	}
	return digest, true
}

// parseTagList parses "tag=value; tag=value[;]" as RFC 6376 §3.2 defines
// it, without folding (TXT data has no line breaks): a tag name is a
// letter followed by letters, digits and "_"; a value is printable ASCII
// other than ";", with white space allowed inside and trimmed around it.
func parseTagList(s string) (map[string]string, bool) {
	tags := map[string]string{}
	specs := strings.Split(s, ";")
	for i, spec := range specs {
		spec = strings.Trim(spec, " \t")
		if spec == "" {
			if i == len(specs)-1 && i > 0 {
				break // the optional final ";"
			}
			return nil, false
		}
		name, value, ok := strings.Cut(spec, "=")
		if !ok {
			return nil, false
		}
		name = strings.TrimRight(name, " \t")
		value = strings.TrimLeft(value, " \t")
		if !validTagName(name) || !validTagValue(value) {
			return nil, false
		}
		if _, dup := tags[name]; dup {
			return nil, false
		}
		tags[name] = value
	}
	return tags, true
}

func validTagName(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isAlpha(c) && !(c >= '0' && c <= '9') && c != '_' {
			return false
		}
	}
	return true
}

func validTagValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x21 || c > 0x7e || c == ';') && c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
