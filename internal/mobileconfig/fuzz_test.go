package mobileconfig

import (
	"reflect"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings/internal/plisttest"
)

// FuzzMarshal checks that whatever text Marshal accepts is written so that
// a property list reader gets it back unchanged, and that nothing it
// writes breaks the XML.
func FuzzMarshal(f *testing.F) {
	f.Add("Alice", "Example & <Co>", "alice@example.com", "alice", 993)
	f.Add("]]>", "\u202e", "x@y.z", "a\"b'c", 143)
	f.Fuzz(func(t *testing.T, name, desc, addr, user string, port int) {
		p := profiles["imap-address"]
		p.AccountName, p.Description, p.EmailAddress, p.Incoming.Username = name, desc, addr, user
		p.Incoming.Port = port
		if port == 143 {
			p.Incoming.TLS = STARTTLS
		}
		b, err := Marshal(p)
		if err != nil {
			return
		}
		got, err := plisttest.Read(b)
		if err != nil {
			t.Fatalf("output does not parse: %v\n%s", err, b)
		}
		if want := expected(p); !reflect.DeepEqual(got, want) {
			t.Fatalf("read back\n%#v\nwant\n%#v", got, want)
		}
	})
}

func TestReadPlistIsStrict(t *testing.T) {
	good := `<?xml version="1.0"?><plist version="1.0"><dict><key>a</key><integer>1</integer></dict></plist>`
	if v, err := plisttest.Read([]byte(good)); err != nil || !reflect.DeepEqual(v, map[string]any{"a": int64(1)}) {
		t.Fatalf("plisttest.Read(good) = %v, %v", v, err)
	}
	for _, bad := range []string{
		strings.Replace(good, "<integer>1</integer>", "<real>1</real>", 1),
		strings.Replace(good, "<integer>1</integer>", "<integer>1</integer><key>a</key><true/>", 1),
		strings.Replace(good, "<key>a</key>", "", 1),
		strings.Replace(good, `version="1.0"`, `version="2"`, 1),
		good + "<x/>",
		strings.Replace(good, "</dict>", "</dict><dict></dict>", 1),
		strings.Replace(good, "<integer>1</integer>", "<true>x</true>", 1),
	} {
		if v, err := plisttest.Read([]byte(bad)); err == nil {
			t.Errorf("plisttest.Read(%s) = %v, want an error", bad, v)
		}
	}
}
