package pacc

import (
	"errors"
	"strings"
	"testing"
)

// The TXT record published with the test vector.
const vectorTXT = "v=UAAC1; a=sha256; d=Yv17O1u1N+KeOhLF0eZv/RNE2t6o6NHAYCskZubeISE="
const vectorDigest = "Yv17O1u1N+KeOhLF0eZv/RNE2t6o6NHAYCskZubeISE="

func TestTXTRecordVector(t *testing.T) {
	body := readVector(t)
	if got := TXTRecord(body); got != vectorTXT {
		t.Errorf("TXTRecord(vector) = %q, want %q", got, vectorTXT)
	}
	if got := TXTName("example.test"); got != "_ua-auto-config.example.test" {
		t.Errorf("TXTName = %q", got)
	}
	// With a final newline the body is another document.
	if got := TXTRecord(append(body, '\n')); got == vectorTXT {
		t.Error("a final newline did not change the digest")
	}
}

func one(s ...string) [][]string { return [][]string{s} }

func TestVerifyDigestAccepts(t *testing.T) {
	body := readVector(t)
	cases := map[string][][]string{
		"published":          one(vectorTXT),
		"no spaces":          one("v=UAAC1;a=sha256;d=" + vectorDigest),
		"final semicolon":    one(vectorTXT + ";"),
		"final ; and spaces": one(vectorTXT + " ; "),
		"spaces everywhere":  one(" \tv = UAAC1 ;\ta =sha256 ;  d=\t" + vectorDigest + "\t"),
		"reordered":          one("d=" + vectorDigest + "; a=sha256; v=UAAC1"),
		"unknown tags":       one("v=UAAC1; x=future; a=sha256; t=y:z; d=" + vectorDigest + "; n=note"),
		"spaces in base64":   one("v=UAAC1; a=sha256; d=Yv17O1u1 N+KeOhLF0eZv/RNE2t6o6NHA YCskZubeISE="),
		"split strings":      one("v=UAAC1; a=sha", "256; d=Yv17O1u1N+KeO", "hLF0eZv/RNE2t6o6NHAYCskZubeISE="),
		"split at every byte": func() [][]string {
			var parts []string
			for _, c := range vectorTXT {
				parts = append(parts, string(c))
			}
			return [][]string{parts}
		}(),
		"several records": {
			{"v=spf1 -all"},
			{"v=UAAC1; a=sha256; d=DRTm+UmMs/RRPOUOO5iTCBvH2ohBMaYDbBgkoKIl2Pg="}, // the old document
			{vectorTXT},
			{"V=UAAC1; a=sha256; d=" + vectorDigest},
		},
		"matching record after a malformed one": {{"v=UAAC1; a=sha256; d=" + vectorDigest + "; d=x"}, {vectorTXT}},
	}
	for name, txt := range cases {
		ok, err := VerifyDigest(body, txt)
		if !ok || err != nil {
			t.Errorf("%s: VerifyDigest(%q) = %v, %v, want true", name, txt, ok, err)
		}
	}
}

func TestVerifyDigestRefuses(t *testing.T) {
	body := readVector(t)
	mismatch := map[string]struct {
		body []byte
		txt  [][]string
	}{
		"final newline":        {append(append([]byte{}, body...), '\n'), one(vectorTXT)},
		"one byte changed":     {[]byte(strings.Replace(string(body), "imap.example", "imap.examplf", 1)), one(vectorTXT)},
		"empty body":           {nil, one(vectorTXT)},
		"digest in upper case": {body, one("v=UAAC1; a=sha256; d=" + strings.ToUpper(vectorDigest))},
		"other document":       {body, one("v=UAAC1; a=sha256; d=DRTm+UmMs/RRPOUOO5iTCBvH2ohBMaYDbBgkoKIl2Pg=")},
	}
	for name, c := range mismatch {
		ok, err := VerifyDigest(c.body, c.txt)
		if ok || !errors.Is(err, ErrDigestMismatch) {
			t.Errorf("%s: VerifyDigest = %v, %v, want ErrDigestMismatch", name, ok, err)
		}
	}
	noRecord := map[string][][]string{
		"no records":          nil,
		"empty record":        one(),
		"empty string":        one(""),
		"SPF only":            one("v=spf1 mx -all"),
		"version in caps":     one("V=UAAC1; a=sha256; d=" + vectorDigest),
		"version lower case":  one("v=uaac1; a=sha256; d=" + vectorDigest),
		"algorithm in caps":   one("v=UAAC1; a=SHA256; d=" + vectorDigest),
		"digest tag in caps":  one("v=UAAC1; a=sha256; D=" + vectorDigest),
		"other version":       one("v=UAAC2; a=sha256; d=" + vectorDigest),
		"other algorithm":     one("v=UAAC1; a=sha512; d=" + vectorDigest),
		"no version":          one("a=sha256; d=" + vectorDigest),
		"no algorithm":        one("v=UAAC1; d=" + vectorDigest),
		"no digest":           one("v=UAAC1; a=sha256"),
		"repeated digest":     one(vectorTXT + "; d=" + vectorDigest),
		"repeated version":    one("v=UAAC1; " + vectorTXT),
		"empty tag":           one("v=UAAC1;; a=sha256; d=" + vectorDigest),
		"leading semicolon":   one("; " + vectorTXT),
		"two final ;":         one(vectorTXT + ";;"),
		"tag without =":       one("v=UAAC1; a=sha256; d=" + vectorDigest + "; flag"),
		"bad tag name":        one("v=UAAC1; a=sha256; 1x=y; d=" + vectorDigest),
		"non-ASCII value":     one("v=UAAC1; a=sha256; n=é; d=" + vectorDigest),
		"control in value":    one("v=UAAC1; a=sha256; n=a\x00b; d=" + vectorDigest),
		"unpadded base64":     one("v=UAAC1; a=sha256; d=" + strings.TrimSuffix(vectorDigest, "=")),
		"base64url":           one("v=UAAC1; a=sha256; d=" + strings.NewReplacer("+", "-", "/", "_").Replace(vectorDigest)),
		"short digest":        one("v=UAAC1; a=sha256; d=Yv17O1u1N+KeOhLF0eZv/RNE2t6o6NHAYCskZubeIQ=="),
		"digest in hex":       one("v=UAAC1; a=sha256; d=62fd7b3b5bb537e29e3a12c5d1e66ffd1344dadea8e8d1c0602b2466e6de2121"),
		"split over records":  {{"v=UAAC1; a=sha256;"}, {"d=" + vectorDigest}},
		"quoted as in a zone": one(`"` + vectorTXT + `"`),
		"huge record":         one(vectorTXT + "; x=" + strings.Repeat("a", maxTXTRecordLen)),
	}
	for name, txt := range noRecord {
		ok, err := VerifyDigest(body, txt)
		if ok || !errors.Is(err, ErrNoDigestRecord) {
			t.Errorf("%s: VerifyDigest(%.100q) = %v, %v, want ErrNoDigestRecord", name, txt, ok, err)
		}
	}
	// A digest differing only in case is another digest, or not base64 at
	// all (here its last character has non-zero padding bits).
	if ok, err := VerifyDigest(body, one("v=UAAC1; a=sha256; d="+strings.ToLower(vectorDigest))); ok || err == nil {
		t.Errorf("digest in lower case accepted: %v, %v", ok, err)
	}
	over := make([]byte, MaxBodySize+1)
	if ok, err := VerifyDigest(over, one(TXTRecord(over))); ok || err == nil {
		t.Errorf("body over the limit: %v, %v", ok, err)
	}
	// Only the first 64 records are read.
	var many [][]string
	for range maxTXTRecords {
		many = append(many, []string{"v=spf1 -all"})
	}
	if ok, _ := VerifyDigest(body, append(many, []string{vectorTXT})); ok {
		t.Error("the 65th record was read")
	}
}

func FuzzVerifyDigest(f *testing.F) {
	f.Add([]byte(`{}`), vectorTXT, 3)
	f.Add([]byte("x"), "v=UAAC1;a=sha256;d=", 1)
	f.Fuzz(func(t *testing.T, body []byte, record string, split int) {
		var strs []string
		if split > 0 {
			for len(record) > split {
				strs, record = append(strs, record[:split]), record[split:]
			}
		}
		strs = append(strs, record)
		ok, err := VerifyDigest(body, [][]string{strs})
		if ok != (err == nil) {
			t.Fatalf("VerifyDigest = %v, %v", ok, err)
		}
		if ok && TXTRecord(body)[len("v=UAAC1; a=sha256; d="):] != strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, mustTag(t, strings.Join(strs, ""), "d")) {
			t.Fatalf("accepted a record whose digest is not the body's")
		}
		if ok, err := VerifyDigest(body, [][]string{{TXTRecord(body)}}); !ok || err != nil {
			t.Fatalf("own record refused: %v", err)
		}
	})
}

func mustTag(t *testing.T, rec, name string) string {
	tags, ok := parseTagList(rec)
	if !ok {
		t.Fatalf("accepted record %q does not parse", rec)
	}
	return tags[name]
}
