// Package msg holds every text that mailsettings shows a person, in every
// language it speaks, in one catalog (messages.txt), apart from the code
// that uses them: trust reasons, stock notes, probe explanations and
// fixes, and the pieces they are made of.
//
// A text may have placeholders such as {host}, filled in with [Text.Fill].
// The catalog is embedded and parsed on first use; a malformed catalog is
// a bug that TestCatalog catches, and Get then returns the id itself.
package msg

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
)

// A Lang is one of the languages of the catalog.
type Lang uint8

// The languages, in the order of [Text]'s fields. English is the
// fallback of every other language.
const (
	En   Lang = iota // English
	Hans             // Simplified Chinese
	Hant             // Traditional Chinese
	numLangs
)

// Tags are the BCP 47 tags of the languages, by Lang.
func Tags() [numLangs]string { return [numLangs]string{"en", "zh-Hans", "zh-Hant"} }

// A Text is one message in every language; "" where not translated.
type Text [numLangs]string

// In returns the text in language l, falling back to the other Chinese
// script and then to English when l is missing.
func (t Text) In(l Lang) string {
	if l >= numLangs {
		l = En
	}
	if t[l] != "" {
		return t[l]
	}
	switch l {
	case Hans:
		if t[Hant] != "" {
			return t[Hant]
		}
	case Hant:
		if t[Hans] != "" {
			return t[Hans]
		}
	}
	return t[En]
}

// An Arg is a value for a placeholder: the same in every language, or
// localized.
type Arg struct {
	name string
	val  Text
}

// Plain returns an Arg whose value is s in every language.
func Plain(name, s string) Arg {
	return Arg{name, Text{s, s, s}}
}

// Local returns an Arg whose value is t in each language.
func Local(name string, t Text) Arg { return Arg{name, t} }

// Fill replaces each {name} of every language of t with the value of the
// Arg of that name in the same language. A language that t lacks stays
// empty.
func (t Text) Fill(args ...Arg) Text {
	for l := range t {
		if t[l] == "" || !strings.Contains(t[l], "{") {
			continue
		}
		pairs := make([]string, 0, 2*len(args))
		for _, a := range args {
			pairs = append(pairs, "{"+a.name+"}", a.val.In(Lang(l)))
		}
		t[l] = strings.NewReplacer(pairs...).Replace(t[l])
	}
	return t
}

// Join joins sentences in each language: with a space in English, with
// nothing in Chinese.
func Join(ts ...Text) Text {
	var out Text
	for l := range out {
		sep := ""
		if Lang(l) == En {
			sep = " "
		}
		var parts []string
		for _, t := range ts {
			if s := t.In(Lang(l)); s != "" {
				parts = append(parts, s)
			}
		}
		out[l] = strings.Join(parts, sep)
	}
	return out
}

// List joins names into a list in each language: "a, b" in English,
// "a、b" in Chinese.
func List(names []string) Text {
	return Text{strings.Join(names, ", "), strings.Join(names, "、"), strings.Join(names, "、")}
}

// Get returns the catalog's text for id, or id itself in every language
// if the catalog has no such entry.
func Get(id string) Text {
	if t, ok := catalog()[id]; ok {
		return t
	}
	return Text{id, id, id}
}

// Has reports whether the catalog has an entry for id.
func Has(id string) bool {
	_, ok := catalog()[id]
	return ok
}

//go:embed messages.txt
var messages string

// catalog is parsed from messages.txt on first use.
var catalog = sync.OnceValue(func() map[string]Text {
	m, _ := parse(messages)
	return m
})

// parse reads the catalog format described at the top of messages.txt.
// It returns what it could read and the first problem, if any.
func parse(src string) (map[string]Text, error) {
	m := map[string]Text{}
	var firstErr error
	fail := func(n int, format string, args ...any) {
		if firstErr == nil {
			firstErr = fmt.Errorf("messages.txt:%d: %s", n, fmt.Sprintf(format, args...))
		}
	}
	id := ""
	var cur Text
	flush := func() {
		if id != "" {
			m[id] = cur
		}
	}
	tags := Tags()
	for n, line := range strings.Split(src, "\n") {
		n++
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			flush()
			id, cur = line[1:len(line)-1], Text{}
			if _, dup := m[id]; dup {
				fail(n, "entry [%s] listed twice", id)
			}
			continue
		}
		tag, val, ok := strings.Cut(line, ": ")
		if !ok || id == "" {
			fail(n, "want \"[id]\" or \"tag: text\", got %q", line)
			continue
		}
		l := -1
		for i, t := range tags {
			if t == tag {
				l = i
			}
		}
		if l < 0 {
			fail(n, "unknown language %q", tag)
			continue
		}
		if cur[l] != "" {
			fail(n, "[%s] has two %s lines", id, tag)
		}
		cur[l] = val
	}
	flush()
	return m, firstErr
}
