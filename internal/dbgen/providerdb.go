package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/mailsettings/mailsettings"
)

// A pdbFile is one provider file of the chatmail provider database: the
// YAML front matter of _providers/NAME.md.
type pdbFile struct {
	name        string // file name, such as "gmx.net.md"
	ref         string // "provider-db:" + name
	Name        string
	Status      string // OK, PREPARATION or BROKEN
	Domains     []string
	Servers     []pdbServer
	BeforeLogin string // before_login_hint
	LastChecked string // YYYY-MM
	Website     string
}

// A pdbServer is one entry of a file's server list.
type pdbServer struct {
	Type, Socket, Hostname, Port, UsernamePattern string
}

// endpoint converts s. It fails for values outside the format.
func (s pdbServer) endpoint() (mailsettings.ServerEndpoint, error) {
	e := mailsettings.ServerEndpoint{Host: strings.ToLower(s.Hostname), Username: mailsettings.UsernameAddress}
	switch strings.ToLower(s.Type) {
	case "imap":
		e.Protocol = mailsettings.IMAP
	case "pop3":
		e.Protocol = mailsettings.POP3
	case "smtp":
		e.Protocol = mailsettings.SMTP
	default:
		return e, fmt.Errorf("server type %q", s.Type)
	}
	switch strings.ToUpper(s.Socket) {
	case "SSL":
		e.Encryption = mailsettings.ImplicitTLS
	case "STARTTLS":
		e.Encryption = mailsettings.STARTTLS
	case "PLAIN":
		e.Encryption = mailsettings.Plaintext
	default:
		return e, fmt.Errorf("socket %q", s.Socket)
	}
	switch strings.ToUpper(s.UsernamePattern) {
	case "", "EMAIL":
	case "EMAILLOCALPART":
		e.Username = mailsettings.UsernameLocalPart
	default:
		return e, fmt.Errorf("username_pattern %q", s.UsernamePattern)
	}
	n, err := strconv.ParseUint(s.Port, 10, 16)
	if err != nil || n == 0 {
		return e, fmt.Errorf("port %q", s.Port)
	}
	e.Port = uint16(n)
	if err := e.Validate(); err != nil {
		return e, err
	}
	return e, nil
}

// pdbSnapshot is the provider-db folder, read.
type pdbSnapshot struct {
	commit, date string
	files        []*pdbFile
}

// readProviderDB reads dir/_providers/*.md, except example.com.md (the
// format's demo entry). The commit comes from dir/SOURCE.
func readProviderDB(dir string) (*pdbSnapshot, error) {
	snap := &pdbSnapshot{}
	var err error
	if snap.commit, snap.date, err = readCommit(filepath.Join(dir, "SOURCE")); err != nil {
		return nil, err
	}
	names, err := filepath.Glob(filepath.Join(dir, "_providers", "*.md"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("dbgen: no provider files in %s/_providers", dir)
	}
	slices.Sort(names)
	for _, name := range names {
		file := filepath.Base(name)
		if file == "example.com.md" {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		f, err := parsePDBFile(file, data)
		if err != nil {
			return nil, fmt.Errorf("dbgen: provider-db %s: %w", file, err)
		}
		snap.files = append(snap.files, f)
	}
	return snap, nil
}

// parsePDBFile parses the front matter of one file: the YAML between the
// first two "---" lines. Only the subset of YAML these files use is
// understood (scalars, plain or quoted; block scalars "|"; lists of
// scalars; lists of flat maps; flat maps; whole-line comments); anything
// else is an error, so
// that a change of format is noticed rather than misread.
func parsePDBFile(name string, data []byte) (*pdbFile, error) {
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	if len(lines) == 0 || lines[0] != "---" {
		return nil, fmt.Errorf("no front matter")
	}
	end := slices.Index(lines[1:], "---")
	if end < 0 {
		return nil, fmt.Errorf("front matter not closed")
	}
	// Whole-line comments are dropped first; a comment after a value is
	// not understood (yamlScalar rejects it).
	front := slices.DeleteFunc(slices.Clone(lines[1:end+1]), func(l string) bool { return strings.HasPrefix(strings.TrimSpace(l), "#") })
	doc, err := parseYAML(front)
	if err != nil {
		return nil, err
	}
	f := &pdbFile{name: name, ref: "provider-db:" + name}
	for k, v := range doc {
		switch k {
		case "name":
			f.Name, err = v.scalar(k)
		case "status":
			f.Status, err = v.scalar(k)
		case "domains":
			f.Domains, err = v.list(k)
		case "server":
			for _, m := range v.maps {
				f.Servers = append(f.Servers, pdbServer{
					Type: m["type"], Socket: m["socket"], Hostname: m["hostname"],
					Port: m["port"], UsernamePattern: m["username_pattern"],
				})
				for field := range m {
					if !slices.Contains([]string{"type", "socket", "hostname", "port", "username_pattern"}, field) {
						err = fmt.Errorf("server field %q", field)
					}
				}
			}
			if v.maps == nil {
				err = fmt.Errorf("server is not a list of maps")
			}
		case "before_login_hint":
			f.BeforeLogin, err = v.scalar(k)
		case "last_checked":
			f.LastChecked, err = v.scalar(k)
		case "website":
			f.Website, err = v.scalar(k)
		case "after_login_hint", "opt", "config_defaults", "skip_auto_test", "oauth2":
			// Chatmail-specific; not used.
		default:
			err = fmt.Errorf("unknown key %q", k)
		}
		if err != nil {
			return nil, err
		}
	}
	switch f.Status {
	case "OK", "PREPARATION", "BROKEN":
	default:
		return nil, fmt.Errorf("status %q", f.Status)
	}
	if f.Name == "" || len(f.Domains) == 0 {
		return nil, fmt.Errorf("no name or no domains")
	}
	for i, d := range f.Domains {
		f.Domains[i] = strings.ToLower(d)
	}
	if f.LastChecked != "" && !validDate(f.LastChecked) {
		return nil, fmt.Errorf("last_checked %q", f.LastChecked)
	}
	return f, nil
}

// A yamlValue is a scalar, a list of scalars, a list of maps or a map.
type yamlValue struct {
	str    *string
	items  []string
	maps   []map[string]string
	fields map[string]string
}

func (v yamlValue) scalar(k string) (string, error) {
	if v.str == nil {
		return "", fmt.Errorf("%s is not a scalar", k)
	}
	return *v.str, nil
}

func (v yamlValue) list(k string) ([]string, error) {
	if v.items == nil {
		return nil, fmt.Errorf("%s is not a list of scalars", k)
	}
	return v.items, nil
}

func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// parseYAML parses a top-level map, which may be indented as a whole.
func parseYAML(lines []string) (map[string]yamlValue, error) {
	doc := map[string]yamlValue{}
	base := -1
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			base = indentOf(l)
			break
		}
	}
	lines = slices.Clone(lines)
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if indentOf(l) < base {
			return nil, fmt.Errorf("line %q: less indented than the first line", l)
		}
		lines[i] = l[base:]
	}
	for i := 0; i < len(lines); {
		line := lines[i]
		if strings.TrimSpace(line) == "" {
			i++
			continue
		}
		if strings.ContainsRune(line, '\t') {
			return nil, fmt.Errorf("line %q: tabs are not supported", line)
		}
		if indentOf(line) != 0 {
			return nil, fmt.Errorf("line %q: unexpected indentation", line)
		}
		k, rest, ok := strings.Cut(line, ":")
		if !ok || k == "" || strings.ContainsAny(k, " \"'") {
			return nil, fmt.Errorf("line %q: not \"key: value\"", line)
		}
		if _, dup := doc[k]; dup {
			return nil, fmt.Errorf("key %q twice", k)
		}
		rest = strings.TrimSpace(rest)
		// The block of the key: the following lines that are indented or
		// are list items at the key's own indentation.
		j := i + 1
		for j < len(lines) && (strings.TrimSpace(lines[j]) == "" || indentOf(lines[j]) > 0 || strings.HasPrefix(lines[j], "- ")) {
			j++
		}
		block := lines[i+1 : j]
		for len(block) > 0 && strings.TrimSpace(block[len(block)-1]) == "" {
			block = block[:len(block)-1]
		}
		var v yamlValue
		var err error
		switch {
		case rest == "|" || rest == "|-":
			s := blockScalar(block)
			v.str = &s
		case rest != "":
			if len(block) > 0 {
				return nil, fmt.Errorf("key %q: a value and a block", k)
			}
			s, err := yamlScalar(rest)
			if err != nil {
				return nil, fmt.Errorf("key %q: %w", k, err)
			}
			v.str = &s
		default:
			v, err = yamlBlock(block)
			if err != nil {
				return nil, fmt.Errorf("key %q: %w", k, err)
			}
		}
		doc[k] = v
		i = j
	}
	return doc, nil
}

// blockScalar joins the lines of a literal block scalar, without their
// common indentation, ending in one newline.
func blockScalar(block []string) string {
	ind := -1
	for _, l := range block {
		if strings.TrimSpace(l) != "" && (ind < 0 || indentOf(l) < ind) {
			ind = indentOf(l)
		}
	}
	var b strings.Builder
	for _, l := range block {
		if len(l) >= ind && ind >= 0 {
			l = l[ind:]
		}
		b.WriteString(strings.TrimRight(l, " "))
		b.WriteString("\n")
	}
	return b.String()
}

// yamlScalar reads a plain, double-quoted or single-quoted scalar.
func yamlScalar(s string) (string, error) {
	switch {
	case strings.HasPrefix(s, `"`):
		u, err := strconv.Unquote(s)
		if err != nil {
			return "", fmt.Errorf("bad double-quoted scalar %s", s)
		}
		return u, nil
	case strings.HasPrefix(s, "'"):
		if len(s) < 2 || !strings.HasSuffix(s, "'") {
			return "", fmt.Errorf("bad single-quoted scalar %s", s)
		}
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'"), nil
	case strings.HasPrefix(s, "[") || strings.HasPrefix(s, "{") || strings.HasPrefix(s, "&") || strings.HasPrefix(s, "*") || strings.Contains(s, " #"):
		return "", fmt.Errorf("unsupported scalar %s", s)
	}
	return s, nil
}

// yamlBlock reads a list of scalars, a list of flat maps, or a flat map.
func yamlBlock(block []string) (yamlValue, error) {
	var v yamlValue
	if len(block) == 0 {
		return v, fmt.Errorf("empty block")
	}
	base := indentOf(block[0])
	if !strings.HasPrefix(block[0][base:], "- ") {
		v.fields = map[string]string{}
		for _, l := range block {
			if indentOf(l) != base {
				return v, fmt.Errorf("line %q: nested maps are not supported", l)
			}
			if err := mapLine(v.fields, l[base:]); err != nil {
				return v, err
			}
		}
		return v, nil
	}
	var cur map[string]string
	for _, l := range block {
		if strings.TrimSpace(l) == "" {
			continue
		}
		ind := indentOf(l)
		body := l[ind:]
		switch {
		case ind == base && strings.HasPrefix(body, "- "):
			item := strings.TrimSpace(body[2:])
			if k, _, ok := strings.Cut(item, ":"); ok && !strings.ContainsAny(k, " \"'") && !strings.Contains(item, "://") {
				if v.items != nil {
					return v, fmt.Errorf("line %q: a list mixing scalars and maps", l)
				}
				cur = map[string]string{}
				v.maps = append(v.maps, cur)
				if err := mapLine(cur, item); err != nil {
					return v, err
				}
				continue
			}
			if v.maps != nil {
				return v, fmt.Errorf("line %q: a list mixing scalars and maps", l)
			}
			s, err := yamlScalar(item)
			if err != nil {
				return v, err
			}
			v.items = append(v.items, s)
			cur = nil
		case ind > base && cur != nil:
			if err := mapLine(cur, body); err != nil {
				return v, err
			}
		default:
			return v, fmt.Errorf("line %q: unexpected indentation", l)
		}
	}
	return v, nil
}

// mapLine adds "key: value" to m.
func mapLine(m map[string]string, s string) error {
	k, val, ok := strings.Cut(s, ":")
	if !ok || k == "" || strings.ContainsAny(k, " \"'") {
		return fmt.Errorf("%q is not \"key: value\"", s)
	}
	if _, dup := m[k]; dup {
		return fmt.Errorf("key %q twice", k)
	}
	v, err := yamlScalar(strings.TrimSpace(val))
	if err != nil {
		return err
	}
	m[k] = v
	return nil
}

// hintNote turns a before_login_hint into a note. The kind is guessed from
// the words of the hint (app passwords and authorization codes are
// password notes, switching access on is an enable note); the curated
// overlay overrides a provider's notes where the guess or the language is
// wrong.
func hintNote(f *pdbFile) (note, bool) {
	h := strings.TrimSpace(f.BeforeLogin)
	if h == "" {
		return note{}, false
	}
	h = strings.Join(strings.Fields(h), " ")
	n := note{kind: mailsettings.NoteGeneral}
	l := strings.ToLower(h)
	switch {
	case f.Status == "BROKEN":
	case strings.Contains(l, "password") || strings.Contains(l, "auth code"):
		n.kind = mailsettings.NotePassword
	case strings.Contains(l, "enabl") || strings.Contains(l, "allow") || strings.Contains(l, "turn on") || strings.Contains(l, "switch"):
		n.kind = mailsettings.NoteEnable
	}
	n.text.En = h
	return n, true
}
