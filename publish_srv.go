package mailsettings

import (
	"strconv"

	"github.com/mailsettings/mailsettings/internal/sanitize"
	"github.com/mailsettings/mailsettings/internal/srvzone"
)

// srvTTL is the TTL written into SRV zone lines, in seconds.
const srvTTL = 3600

// SRVRecords returns the DNS SRV records that let mail clients find the
// provider's servers for domain (RFC 6186, with _submissions of RFC 8314
// §5.1), as zone-file lines with a TTL of one hour:
//
//	_submissions._tcp.example.com. 3600 IN SRV 0 0 465 smtp.example.com.
//	_imap._tcp.example.com. 3600 IN SRV 0 0 0 .
//
// Endpoints with implicit TLS go under _submissions, _imaps and _pop3s,
// those with STARTTLS under _submission, _imap and _pop3, with priorities
// 0, 1, 2... in order of preference; each of the six services not offered
// gets target "." ("decidedly not available", RFC 2782), so that clients
// do not guess. domain may be given as users type it ("Example.COM",
// "例子.中国").
//
// SRV records have no place for a login name, and clients (this package's
// discovery included) log in with the email address; the service names
// without "s" mean STARTTLS, never plaintext. Endpoints of another
// [UsernameForm] and plaintext endpoints are therefore left out, and a
// provider of which some protocol would be left with no endpoint is
// refused with an error wrapping [ErrUnpublishable] (see there), as are
// an invalid domain and the zero Provider.
func (p Provider) SRVRecords(domain string) ([]string, error) {
	const format = "SRV records"
	q, err := parseQuery(domain)
	if err != nil || q.Local != "" {
		return nil, unpublishable(format, p.data().ID, "not a mail domain: "+strconv.Quote(sanitize.Clip(domain, 80)))
	}
	eps, err := p.publishable(format, func(e ServerEndpoint) error {
		switch {
		case e.Encryption == Plaintext:
			return errPlaintext
		case e.Username != UsernameAddress:
			return errLoginName
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var recs []srvzone.Record
	rank := map[string]uint16{}
	for _, e := range eps {
		for _, s := range srvServices() {
			if s.proto == e.Protocol && s.enc == e.Encryption {
				recs = append(recs, srvzone.Record{Service: s.label, Host: e.Host, Port: e.Port, Priority: rank[s.label]})
				rank[s.label]++
			}
		}
	}
	lines, err := srvzone.Lines(q.Domain, srvTTL, recs)
	if err != nil {
		return nil, unpublishable(format, p.data().ID, codecDetail(err, srvzone.ErrRecord))
	}
	return lines, nil
}
