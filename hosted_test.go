package mailsettings_test

import (
	"testing"

	"github.com/mailsettings/mailsettings"
)

func TestLookupMX(t *testing.T) {
	tests := []struct{ mx, want string }{
		{"aspmx.l.google.com", "google-workspace"},
		{"ASPMX.L.GOOGLE.COM.", "google-workspace"},
		{"alt3.aspmx.l.google.com", "google-workspace"},
		{"smtp.google.com", "google-workspace"},
		{"contoso-com.mail.protection.outlook.com", "microsoft365"},
		{"contoso-com.j-v1.mx.microsoft", "microsoft365"},
		{"hotmail-com.olc.protection.outlook.com", "outlook"},
		{"mxbiz1.qq.com", "exmail"},
		{"mxbiz2.qq.com.", "exmail"},
		// Specific patterns only: consumer hosts and look-alikes do not match.
		{"mx1.qq.com", ""},
		{"mx3.qq.com", ""},
		{"qq.com", ""},
		{"gmail-smtp-in.l.google.com", ""},
		{"google.com", ""},
		{"mail.protection.outlook.com", ""}, // the suffix itself is no tenant
		{"mx.microsoft", ""},
		{"mxbiz1.qq.com.attacker.example", ""},
		{"evilmxbiz1.qq.com", ""},
		{"aspmx.l.google.com.evil.example", ""},
		{"", ""},
		{"not a host", ""},
		{"127.0.0.1", ""},
	}
	for _, tt := range tests {
		p, ok := mailsettings.LookupMX(tt.mx)
		got := ""
		if ok {
			got = p.ID()
		}
		if got != tt.want || ok != (p != nil) {
			t.Errorf("LookupMX(%q) = %q, %v; want %q", tt.mx, got, ok, tt.want)
		}
	}
	p, _ := mailsettings.LookupMX("mxbiz1.qq.com")
	if e, _ := (mailsettings.Settings{Provider: p}).Best(mailsettings.SMTP); e.Host != "smtp.exmail.qq.com" {
		t.Errorf("Exmail SMTP = %v, want smtp.exmail.qq.com", e)
	}
}
