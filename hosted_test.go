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
		if got != tt.want || ok != (!p.IsZero()) {
			t.Errorf("LookupMX(%q) = %q, %v; want %q", tt.mx, got, ok, tt.want)
		}
	}
	p, _ := mailsettings.LookupMX("mxbiz1.qq.com")
	if e, _ := (mailsettings.Settings{Provider: p}).Best(mailsettings.SMTP); e.Host != "smtp.exmail.qq.com" {
		t.Errorf("Exmail SMTP = %v, want smtp.exmail.qq.com", e)
	}
}

func TestLookupMXHosters(t *testing.T) {
	tests := []struct{ mx, want, imap string }{
		{"qiye163mx01.mxmail.netease.com", "netease-qiye", "imaphz.qiye.163.com"},
		{"qiye163mx02.mxmail.netease.com.", "netease-qiye", "imaphz.qiye.163.com"},
		{"mx1.qiye.aliyun.com", "alibaba-mail", "imap.qiye.aliyun.com"},
		{"MX3.QIYE.ALIYUN.COM", "alibaba-mail", "imap.qiye.aliyun.com"},
		{"mxn.mxhichina.com", "alibaba-mail", "imap.qiye.aliyun.com"},
		{"mxw.mxhichina.com", "alibaba-mail", "imap.qiye.aliyun.com"},
		{"mx.zoho.com", "zoho", "imap.zoho.com"},
		{"mx3.zoho.com", "zoho", "imap.zoho.com"},
		{"mx2.zoho.eu", "zoho-eu", "imap.zoho.eu"},
		{"mx.yandex.net", "yandex-360", "imap.yandex.com"},
		{"in1-smtp.messagingengine.com", "fastmail", "imap.fastmail.com"},
		{"in2-smtp.messagingengine.com", "fastmail", "imap.fastmail.com"},
		{"mx01.mail.icloud.com", "icloud-custom-domain", "imap.mail.me.com"},
		// Consumer hosts and neighbours do not identify a hoster.
		{"163mx02.mxmail.netease.com", "", ""},
		{"mxmail.netease.com", "", ""},
		{"mx4.qiye.aliyun.com", "", ""},
		{"qiye.aliyun.com", "", ""},
		{"mxhichina.com", "", ""},
		{"zoho.com", "", ""},
		{"mx.yandex.ru", "", ""},
		{"messagingengine.com", "", ""},
		{"mail.icloud.com", "", ""},
	}
	for _, tt := range tests {
		p, ok := mailsettings.LookupMX(tt.mx)
		if !ok {
			if tt.want != "" {
				t.Errorf("LookupMX(%q) = none, want %s", tt.mx, tt.want)
			}
			continue
		}
		if p.ID() != tt.want {
			t.Errorf("LookupMX(%q) = %s, want %q", tt.mx, p.ID(), tt.want)
			continue
		}
		if e, _ := (mailsettings.Settings{Provider: p}).Best(mailsettings.IMAP); e.Host != tt.imap {
			t.Errorf("LookupMX(%q): IMAP host %q, want %q", tt.mx, e.Host, tt.imap)
		}
	}
}
