package dnsstub

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"strings"
)

// SystemConfigPath is where [ReadSystemConfig] reads the system resolver
// configuration.
const SystemConfigPath = "/etc/resolv.conf"

// Limits on resolver configurations.
const (
	// MaxNameservers is how many "nameserver" lines count, as in glibc
	// (MAXNS); later ones are ignored.
	MaxNameservers = 3
	// maxConfigSize bounds the configuration read; real ones are tiny.
	maxConfigSize = 64 << 10
)

// ErrConfigTooLarge: the resolver configuration is larger than 64 KiB.
var ErrConfigTooLarge = errors.New("resolver configuration larger than 64 KiB")

// A Config is what this package uses of a resolv.conf(5) file. The zero
// Config lists no servers and sets no options.
type Config struct {
	// Nameservers are the addresses of the "nameserver" lines, in order,
	// at most MaxNameservers; lines whose address does not parse are
	// skipped, as the C library does.
	Nameservers []netip.Addr
	// TrustAD is set by "options trust-ad": the configured servers are
	// trusted to validate DNSSEC, so their AD bit is believed.
	TrustAD bool
	// EDNS0 is set by "options edns0". This package always sends EDNS0
	// (the DO bit needs it); the field only reports the setting.
	EDNS0 bool
}

// ParseConfig reads a resolv.conf(5) file from r. It understands the
// "nameserver" and "options" lines (the trust-ad and edns0 options; a later
// "options" line adds to earlier ones) and ignores every other line,
// comments (lines starting with "#" or ";") and unknown options. It fails
// only when r fails or holds more than 64 KiB.
func ParseConfig(r io.Reader) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("dnsstub: read resolver configuration: %w", err)
	}
	if len(data) > maxConfigSize {
		return nil, ErrConfigTooLarge
	}
	cfg := &Config{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxConfigSize+1)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		switch fields[0] {
		case "nameserver":
			if len(fields) < 2 || len(cfg.Nameservers) >= MaxNameservers {
				continue
			}
			if a, err := netip.ParseAddr(fields[1]); err == nil {
				cfg.Nameservers = append(cfg.Nameservers, a)
			}
		case "options":
			for _, o := range fields[1:] {
				switch o {
				case "trust-ad":
					cfg.TrustAD = true
				case "edns0":
					cfg.EDNS0 = true
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("dnsstub: read resolver configuration: %w", err)
	}
	return cfg, nil
}

// ReadSystemConfig reads and parses /etc/resolv.conf ([SystemConfigPath])
// each time it is called. A missing file gives the zero Config, as for the
// C library, which then asks a resolver on the local host. The RES_OPTIONS
// environment variable is not consulted.
func ReadSystemConfig() (*Config, error) {
	return readConfigFile(SystemConfigPath)
}

func readConfigFile(path string) (*Config, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Config{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("dnsstub: %w", err)
	}
	defer f.Close()
	return ParseConfig(f)
}

// Server returns the address of the first configured nameserver with port
// 53, or "127.0.0.1:53" when none is configured (what the C library asks
// then).
func (c *Config) Server() string {
	if c == nil || len(c.Nameservers) == 0 {
		return "127.0.0.1:53"
	}
	return netip.AddrPortFrom(c.Nameservers[0], 53).String()
}

// Policy returns the policy for the configured servers: TrustAD as the
// configuration says, no other trusted server.
func (c *Config) Policy() Policy {
	if c == nil {
		return Policy{}
	}
	return Policy{TrustAD: c.TrustAD}
}
