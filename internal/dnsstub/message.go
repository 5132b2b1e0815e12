package dnsstub

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"golang.org/x/net/dns/dnsmessage"
)

// maxCNAMEHops bounds the alias chain followed in one answer section.
const maxCNAMEHops = 8

// maxCNAMEs bounds the CNAME records remembered from one answer section.
const maxCNAMEs = 32

// A question is one name and type to ask about.
type question struct {
	name  string // lower-case FQDN
	qtype dnsmessage.Type
}

// Internal outcomes of parseResponse that the transports act on.
var (
	// errMismatch: not a response to this question (ignored over UDP).
	errMismatch = errors.New("response does not match the question")
	// errTC: the TC bit is set (retried over TCP).
	errTC = errors.New("truncated response")
)

// buildQuery returns the query for q with the given ID, preceded by two
// octets of room for the TCP length prefix. It sets RD, AD (RFC 6840 §5.7:
// the client understands AD) and, in an EDNS0 OPT record advertising
// payload octets, DO (RFC 3225: send DNSSEC records, and validate).
func buildQuery(id uint16, q question, payload int) ([]byte, error) {
	name, err := dnsmessage.NewName(q.name)
	if err != nil {
		return nil, ErrInvalidName
	}
	b := dnsmessage.NewBuilder(make([]byte, 2, 64+len(q.name)), dnsmessage.Header{
		ID: id, RecursionDesired: true, AuthenticData: true,
	})
	b.EnableCompression()
	if err := b.StartQuestions(); err != nil {
		return nil, err
	}
	if err := b.Question(dnsmessage.Question{Name: name, Type: q.qtype, Class: dnsmessage.ClassINET}); err != nil {
		return nil, ErrInvalidName
	}
	if err := b.StartAdditionals(); err != nil {
		return nil, err
	}
	var opt dnsmessage.ResourceHeader
	if err := opt.SetEDNS0(payload, dnsmessage.RCodeSuccess, true); err != nil {
		return nil, err
	}
	if err := b.OPTResource(opt, dnsmessage.OPTResource{}); err != nil {
		return nil, err
	}
	return b.Finish()
}

// parseResponse checks that msg answers the question q sent with ID id and
// extracts the answer. It returns errMismatch for a message that is not the
// response (including one too short to have a header), errTC for a
// truncated one, and otherwise the response with the error its code means.
func parseResponse(msg []byte, id uint16, q question) (*Response, error) {
	var p dnsmessage.Parser
	h, err := p.Start(msg)
	if err != nil || h.ID != id || !h.Response || h.OpCode != 0 {
		return nil, errMismatch
	}
	rq, err := p.Question()
	if err != nil || rq.Type != q.qtype || rq.Class != dnsmessage.ClassINET || !sameName(rq.Name.String(), q.name) {
		return nil, errMismatch
	}
	if _, err := p.Question(); !errors.Is(err, dnsmessage.ErrSectionDone) {
		return nil, errMismatch
	}
	if h.Truncated {
		return nil, errTC
	}
	r := &Response{Name: q.name, Type: q.qtype, AD: h.AuthenticData}

	// First pass: the alias chain.
	canon, brokenChain, err := followCNAMEs(&p, q.name)
	if err != nil {
		return nil, err
	}
	r.CNAME = canon
	if brokenChain {
		r.Malformed++
	}

	// Second pass: the records owned by the canonical name.
	if _, err := p.Start(msg); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadResponse, err)
	}
	if err := p.SkipAllQuestions(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadResponse, err)
	}
	if err := r.readAnswers(&p); err != nil {
		return nil, err
	}
	r.RCode = extendedRCode(&p, h.RCode)

	switch r.RCode {
	case dnsmessage.RCodeSuccess:
		if r.count() > 0 {
			return r, nil
		}
		if r.Malformed > 0 {
			return r, ErrMalformedRecords
		}
		return r, ErrNoData
	case dnsmessage.RCodeNameError:
		err = ErrNXDomain
	case dnsmessage.RCodeServerFailure:
		err = ErrServFail
	case dnsmessage.RCodeRefused:
		err = ErrRefused
	default:
		err = fmt.Errorf("%w %d (%s)", ErrRcode, r.RCode, strings.TrimPrefix(r.RCode.String(), "RCode"))
	}
	// An error response carries no records to use.
	r.SRV, r.MX, r.TXT, r.Addrs = nil, nil, nil, nil
	return r, err
}

// followCNAMEs reads the CNAME records of the answer section and returns
// the name that qname leads to. broken reports that the chain ended at a
// CNAME record that did not parse or whose target is not a valid name.
func followCNAMEs(p *dnsmessage.Parser, qname string) (canon string, broken bool, err error) {
	cnames := map[string]string{}
	bad := map[string]bool{}
	for {
		h, err := p.AnswerHeader()
		if errors.Is(err, dnsmessage.ErrSectionDone) {
			break
		}
		if err != nil {
			return "", false, fmt.Errorf("%w: %v", ErrBadResponse, err)
		}
		if h.Type != dnsmessage.TypeCNAME || h.Class != dnsmessage.ClassINET {
			if err := p.SkipAnswer(); err != nil {
				return "", false, fmt.Errorf("%w: %v", ErrBadResponse, err)
			}
			continue
		}
		owner, ok := queryName(h.Name.String())
		rr, perr := p.CNAMEResource()
		if perr != nil {
			if err := p.SkipAnswer(); err != nil {
				return "", false, fmt.Errorf("%w: %v", ErrBadResponse, err)
			}
		}
		if !ok {
			continue // an owner that is not a valid name is on no chain
		}
		target, tok := "", false
		if perr == nil {
			target, tok = queryName(rr.CNAME.String())
		}
		switch _, seen := cnames[owner]; {
		case !tok:
			bad[owner] = true
		case seen:
			// A second CNAME for one owner (RFC 2181 §10.1): keep the
			// first.
		case len(cnames) < maxCNAMEs:
			cnames[owner] = target
		}
	}
	cur := qname
	for hops := 0; ; hops++ {
		next, ok := cnames[cur]
		if !ok {
			return cur, bad[cur], nil
		}
		if hops == maxCNAMEHops {
			return "", false, fmt.Errorf("%w: CNAME chain longer than %d or a loop", ErrBadResponse, maxCNAMEHops)
		}
		cur = next
	}
}

// readAnswers reads the records of r.Type owned by r.CNAME from the answer
// section.
func (r *Response) readAnswers(p *dnsmessage.Parser) error {
	for {
		h, err := p.AnswerHeader()
		if errors.Is(err, dnsmessage.ErrSectionDone) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %v", ErrBadResponse, err)
		}
		if h.Type != r.Type || h.Class != dnsmessage.ClassINET || !sameName(h.Name.String(), r.CNAME) {
			if err := p.SkipAnswer(); err != nil {
				return fmt.Errorf("%w: %v", ErrBadResponse, err)
			}
			continue
		}
		if r.count() >= MaxRecords {
			r.Omitted++
			if err := p.SkipAnswer(); err != nil {
				return fmt.Errorf("%w: %v", ErrBadResponse, err)
			}
			continue
		}
		ok, consumed := r.readRecord(p)
		if !ok {
			r.Malformed++
		}
		if !consumed {
			if err := p.SkipAnswer(); err != nil {
				return fmt.Errorf("%w: %v", ErrBadResponse, err)
			}
		}
	}
}

// readRecord reads the data of the record whose header p has just read and
// appends it to r. ok is false when the data does not parse or holds an
// invalid host name; consumed is false when the data did not parse, so
// that the record is still to be skipped.
func (r *Response) readRecord(p *dnsmessage.Parser) (ok, consumed bool) {
	switch r.Type {
	case dnsmessage.TypeSRV:
		rr, err := p.SRVResource()
		if err != nil {
			return false, false
		}
		target, ok := targetName(rr.Target.String())
		if !ok {
			return false, true
		}
		r.SRV = append(r.SRV, &net.SRV{Target: target, Port: rr.Port, Priority: rr.Priority, Weight: rr.Weight})
	case dnsmessage.TypeMX:
		rr, err := p.MXResource()
		if err != nil {
			return false, false
		}
		host, ok := targetName(rr.MX.String())
		if !ok {
			return false, true
		}
		r.MX = append(r.MX, &net.MX{Host: host, Pref: rr.Pref})
	case dnsmessage.TypeTXT:
		rr, err := p.TXTResource()
		if err != nil {
			return false, false
		}
		r.TXT = append(r.TXT, rr.TXT)
	case dnsmessage.TypeA:
		rr, err := p.AResource()
		if err != nil {
			return false, false
		}
		r.Addrs = append(r.Addrs, netip.AddrFrom4(rr.A))
	case dnsmessage.TypeAAAA:
		rr, err := p.AAAAResource()
		if err != nil {
			return false, false
		}
		r.Addrs = append(r.Addrs, netip.AddrFrom16(rr.AAAA))
	default:
		return false, false
	}
	return true, true
}

// targetName validates an SRV target or MX host: "." as is, otherwise a
// host name (see hostName).
func targetName(n string) (string, bool) {
	if n == "." {
		return ".", true
	}
	return hostName(n)
}

// count returns how many records r holds.
func (r *Response) count() int {
	return len(r.SRV) + len(r.MX) + len(r.TXT) + len(r.Addrs)
}

// extendedRCode returns rcode extended by the OPT record of the additional
// section, if there is one that parses. p is positioned after the answer
// section.
func extendedRCode(p *dnsmessage.Parser, rcode dnsmessage.RCode) dnsmessage.RCode {
	if err := p.SkipAllAuthorities(); err != nil {
		return rcode
	}
	for {
		h, err := p.AdditionalHeader()
		if err != nil {
			return rcode
		}
		if h.Type == dnsmessage.TypeOPT {
			return h.ExtendedRCode(rcode)
		}
		if err := p.SkipAdditional(); err != nil {
			return rcode
		}
	}
}
