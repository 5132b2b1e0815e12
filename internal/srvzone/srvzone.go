// Package srvzone writes the DNS SRV records that let mail clients find a
// domain's IMAP, POP3 and submission servers, as zone-file lines: the
// services of RFC 6186 (Use of SRV Records for Locating Email
// Submission/Access Services) — _submission, _imap, _imaps, _pop3,
// _pop3s — and _submissions of RFC 8314 §5.1 (implicit TLS for message
// submission), in the SRV format of RFC 2782.
//
// Every one of the six services that the caller does not offer gets a
// record with target "." and port 0, which RFC 2782 defines as "the
// service is decidedly not available at this domain" and RFC 6186 §3.4
// asks clients to honour, so that a client does not fall back to guessing
// (for example plaintext IMAP on port 143).
package srvzone

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/mailsettings/mailsettings/internal/hostname"
)

// ErrRecord is wrapped by every error from Lines.
var ErrRecord = errors.New("srvzone: cannot write SRV records")

// The services, in the order Lines writes them: submission and access,
// implicit TLS before STARTTLS (RFC 8314 §5.1 prefers implicit TLS).
var services = [...]string{"submissions", "submission", "imaps", "imap", "pop3s", "pop3"}

// Services returns the six service names Lines knows, in its order, as a
// new slice.
func Services() []string { return slices.Clone(services[:]) }

// A Record is one SRV record for a service.
type Record struct {
	Service  string // "submissions", "submission", "imaps", "imap", "pop3s" or "pop3"
	Host     string // lower-case A-label host name; "" or "." means not offered
	Port     uint16 // 0 when not offered
	Priority uint16
	Weight   uint16
}

// Lines returns the zone-file lines for domain, one per record:
//
//	_imaps._tcp.example.com. 3600 IN SRV 0 1 993 imap.example.com.
//	_imap._tcp.example.com. 3600 IN SRV 0 0 0 .
//
// with ttl in seconds (0 leaves it out, so the zone's $TTL applies). The
// records of each service are sorted by priority, then by weight (highest
// first), host and port, and the services come in the order of
// [Services]; a service without records gets a "." record. The same input
// always gives the same lines.
//
// Lines refuses, with an error wrapping ErrRecord, an unknown service, a
// domain or host that is not a lower-case A-label name, an offered record
// with port 0, a not-offered record with a port, priority or weight, and a
// service both offered and not offered. Identical records are written
// once.
func Lines(domain string, ttl uint32, records []Record) ([]string, error) {
	if h, err := hostname.Canonical(domain, hostname.Server); err != nil || h != domain {
		return nil, fmt.Errorf("%w: domain %q is not a lower-case A-label name", ErrRecord, domain)
	}
	byService := map[string][]Record{}
	notOffered := map[string]bool{}
	for _, r := range records {
		if !slices.Contains(services[:], r.Service) {
			return nil, fmt.Errorf("%w: unknown service %q", ErrRecord, r.Service)
		}
		if r.Host == "" || r.Host == "." {
			if r.Port != 0 || r.Priority != 0 || r.Weight != 0 {
				return nil, fmt.Errorf("%w: %s: a not-offered record (target \".\") has port, priority and weight 0", ErrRecord, r.Service)
			}
			notOffered[r.Service] = true
			continue
		}
		if h, err := hostname.Canonical(r.Host, hostname.Server); err != nil || h != r.Host {
			return nil, fmt.Errorf("%w: %s host %q is not a lower-case A-label name", ErrRecord, r.Service, r.Host)
		}
		if r.Port == 0 {
			return nil, fmt.Errorf("%w: %s %s has port 0", ErrRecord, r.Service, r.Host)
		}
		if !slices.Contains(byService[r.Service], r) {
			byService[r.Service] = append(byService[r.Service], r)
		}
	}
	ttlField := ""
	if ttl > 0 {
		ttlField = " " + strconv.FormatUint(uint64(ttl), 10)
	}
	var lines []string
	for _, s := range services {
		owner := "_" + s + "._tcp." + domain + "."
		rs := byService[s]
		if len(rs) > 0 && notOffered[s] {
			return nil, fmt.Errorf("%w: %s is both offered and not offered", ErrRecord, s)
		}
		if len(rs) == 0 {
			lines = append(lines, owner+ttlField+" IN SRV 0 0 0 .")
			continue
		}
		slices.SortFunc(rs, func(a, b Record) int {
			return cmp.Or(cmp.Compare(a.Priority, b.Priority), cmp.Compare(b.Weight, a.Weight),
				cmp.Compare(a.Host, b.Host), cmp.Compare(a.Port, b.Port))
		})
		for _, r := range rs {
			lines = append(lines, fmt.Sprintf("%s%s IN SRV %d %d %d %s.", owner, ttlField, r.Priority, r.Weight, r.Port, r.Host))
		}
	}
	return lines, nil
}
