package plainjson

import (
	"encoding/json"
	"testing"
)

func TestMarshal(t *testing.T) {
	v := map[string]any{"note": "IMAP > POP3 & <SMTP>", "n": 1}
	got, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"n":1,"note":"IMAP > POP3 & <SMTP>"}`; string(got) != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	var back map[string]any
	if err := json.Unmarshal(got, &back); err != nil || back["note"] != v["note"] {
		t.Errorf("does not read back: %v, %v", back, err)
	}
	if _, err := Marshal(func() {}); err == nil {
		t.Error("Marshal of a func did not fail")
	}
}
