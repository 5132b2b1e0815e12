package mailsettings

import (
	"fmt"
	"strings"
)

// Explanation returns what went wrong, in English and Simplified Chinese,
// for a person who is not a mail expert. Text the server sent is quoted and
// marked when it arrived before TLS.
func (e *ProbeError) Explanation() Text {
	t := explain(e)
	q := e.serverQuote()
	t.English += q.English
	t.Chinese += q.Chinese
	return t
}

// Fix returns a suggested fix, in English and Simplified Chinese. For an
// endpoint of a known provider, the provider's notes (app passwords,
// authorization codes, OAuth2, IMAP ID) are appended.
func (e *ProbeError) Fix() Text {
	t := fix(e)
	if !e.Provider.IsZero() {
		for _, n := range e.Provider.data().Notes {
			t.English += " " + e.Provider.Name() + ": " + n.English
			zh := n.Chinese
			if zh == "" {
				zh = n.English
			}
			t.Chinese += e.Provider.Name() + "：" + zh
		}
	}
	return t
}

// serverQuote quotes ServerText, marked as unauthenticated when it arrived
// before TLS.
func (e *ProbeError) serverQuote() Text {
	if e.ServerText == "" {
		return Text{}
	}
	if e.ServerTextBeforeTLS {
		return Text{
			English: fmt.Sprintf(" The server said (before TLS, so unauthenticated): %q.", e.ServerText),
			Chinese: fmt.Sprintf("服务器的回复（在TLS之前收到，未经验证）：%q。", e.ServerText),
		}
	}
	return Text{
		English: fmt.Sprintf(" The server said: %q.", e.ServerText),
		Chinese: fmt.Sprintf("服务器的回复：%q。", e.ServerText),
	}
}

// portsHint says which ports use which encryption for a protocol.
func portsHint(p Protocol) Text {
	switch p {
	case IMAP:
		return Text{"993 is implicit TLS, 143 is STARTTLS", "993端口是隐式TLS（SSL/TLS），143端口是STARTTLS"}
	case POP3:
		return Text{"995 is implicit TLS, 110 is STARTTLS", "995端口是隐式TLS（SSL/TLS），110端口是STARTTLS"}
	}
	return Text{"465 is implicit TLS, 587 is STARTTLS, and 25 is for server-to-server mail", "465端口是隐式TLS（SSL/TLS），587端口是STARTTLS，25端口用于服务器之间投递"}
}

// stepName names a step in both languages.
func stepName(st Step) Text {
	switch st {
	case StepResolve:
		return Text{"the DNS lookup", "DNS查询"}
	case StepConnect:
		return Text{"the connection", "建立连接"}
	case StepTLS:
		return Text{"the TLS handshake", "TLS握手"}
	case StepGreeting:
		return Text{"the greeting", "发送问候语"}
	case StepCapabilities:
		return Text{"the capability request (CAPABILITY, CAPA or EHLO)", "查询服务器功能（CAPABILITY、CAPA或EHLO）"}
	case StepSTARTTLS:
		return Text{"the STARTTLS command", "执行STARTTLS命令"}
	case StepAuth:
		return Text{"the login", "登录"}
	case StepLogout:
		return Text{"the logout", "退出登录"}
	}
	return Text{"the " + string(st) + " step", "“" + string(st) + "”步骤"}
}

// encName names an encryption mode in both languages.
func encName(enc Encryption) Text {
	switch enc {
	case ImplicitTLS:
		return Text{"implicit TLS (SSL/TLS)", "隐式TLS（SSL/TLS）"}
	case STARTTLS:
		return Text{"STARTTLS", "STARTTLS"}
	}
	return Text{"no encryption", "不加密"}
}

func explain(e *ProbeError) Text {
	ep := e.Endpoint
	host, port, proto := ep.Host, ep.Port, ep.Protocol.String()
	switch e.Kind {
	case KindInvalidRequest:
		return tr("The probe was not started: %v.", "未开始检测：%v。", e.cause())
	case KindDNSNotFound:
		return tr("The host name %s does not exist in DNS (or has no address).", "DNS中不存在主机名%s（或它没有地址）。", host)
	case KindDNSFailure:
		return tr("Looking up %s in DNS failed; the DNS server did not give an answer.", "在DNS中查询%s失败，DNS服务器没有给出答案。", host)
	case KindConnectionRefused:
		return tr("Nothing is listening on %s port %d: the connection was refused.", "%s的%d端口上没有服务在监听：连接被拒绝。", host, port)
	case KindConnectTimeout:
		return tr("The connection to %s port %d timed out. A firewall or the network is probably blocking the port (many networks block 25, and some block 465, 587, 993 or 995).",
			"连接%s的%d端口超时。很可能是防火墙或网络屏蔽了该端口（许多网络屏蔽25端口，有些也屏蔽465、587、993或995端口）。", host, port)
	case KindNetwork:
		return tr("The network failed while talking to %s port %d: %v.", "与%s的%d端口通信时网络出错：%v。", host, port, e.cause())
	case KindExpectedTLSGotPlaintext:
		what := proto
		if e.Detected != 0 {
			what = e.Detected.String()
		}
		return tr("Port %d of %s was expected to start with TLS (implicit TLS), but the server sent a plaintext %s greeting instead: this port uses STARTTLS or no encryption.",
			"预期%[2]s的%[1]d端口一开始就使用TLS（隐式TLS），但服务器发来了明文%[3]s问候语：这个端口使用的是STARTTLS或不加密。", port, host, what)
	case KindExpectedPlaintextGotTLS:
		enc := encName(ep.Encryption)
		return Text{
			fmt.Sprintf("Port %d of %s speaks TLS from the first byte (implicit TLS), but %s was configured, which expects a plaintext greeting first.", port, host, enc.English),
			fmt.Sprintf("%s的%d端口从第一个字节起就使用TLS（隐式TLS），但配置的是%s，它需要先收到明文问候语。", host, port, enc.Chinese),
		}
	case KindSTARTTLSNotOffered:
		return tr("The %s server at %s port %d does not offer STARTTLS, so the connection cannot be encrypted on this port. The probe stopped without sending anything else.",
			"%[2]s的%[3]d端口上的%[1]s服务器不支持STARTTLS，这个端口上的连接无法加密。检测已停止，没有发送其他任何内容。", proto, host, port)
	case KindSTARTTLSRefused:
		return tr("The %s server at %s port %d refused to start TLS. The probe did not continue in plaintext.",
			"%[2]s的%[3]d端口上的%[1]s服务器拒绝启动TLS。检测没有以明文继续。", proto, host, port)
	case KindSTARTTLSInjection:
		return tr("After agreeing to start TLS, the server at %s port %d sent more data before the TLS handshake. A correct server never does that: someone on the network may be injecting commands (a STARTTLS injection attack), or the server is badly broken. The probe stopped.",
			"%s的%d端口上的服务器在同意启动TLS后、TLS握手之前又发送了数据。正常的服务器不会这样做：可能有人在网络中注入命令（STARTTLS注入攻击），或者服务器严重故障。检测已停止。", host, port)
	case KindPreauthPlaintext:
		return tr("The IMAP server at %s port %d greeted with PREAUTH before TLS: the session is already logged in in plaintext, so STARTTLS is impossible. This is what an attacker stripping STARTTLS would do.",
			"%s的%d端口上的IMAP服务器在TLS之前就以PREAUTH问候：会话已在明文中登录，无法再使用STARTTLS。这正是剥离STARTTLS的攻击者会做的事。", host, port)
	case KindCertUntrusted:
		return e.withCertNames(tr("The certificate of %s is not trusted: it is self-signed or issued by an unknown certificate authority.",
			"%s的证书不受信任：它是自签名的，或由未知的证书颁发机构签发。", host))
	case KindCertExpired:
		if e.CertNotAfter.IsZero() {
			return tr("The certificate of %s has expired or is not yet valid.", "%s的证书已过期或尚未生效。", host)
		}
		return tr("The certificate of %s has expired or is not yet valid (valid until %s).",
			"%s的证书已过期或尚未生效（有效期至%s）。", host, e.CertNotAfter.UTC().Format("2006-01-02"))
	case KindCertNameMismatch:
		return e.withCertNames(tr("The certificate of %s is for other names.", "%s的证书属于其他名称。", host))
	case KindCertInvalid:
		return tr("The certificate of %s cannot be used: %v.", "%s的证书无法使用：%v。", host, e.cause())
	case KindTLSVersion:
		return tr("The server at %s port %d offers only TLS 1.0 or 1.1, which are obsolete and insecure (RFC 8996); TLS 1.2 or later is required.",
			"%s的%d端口上的服务器只支持TLS 1.0或1.1，这些版本已过时且不安全（RFC 8996）；至少需要TLS 1.2。", host, port)
	case KindTLSHandshake:
		return tr("The TLS handshake with %s port %d failed: %v.", "与%s的%d端口的TLS握手失败：%v。", host, port, e.cause())
	case KindGreetingTimeout:
		return tr("The server at %s port %d accepted the connection but did not speak (no greeting, or no TLS handshake) in time. The port may be filtered, run another service, or the server is overloaded.",
			"%s的%d端口上的服务器接受了连接，但没有及时响应（没有问候语或TLS握手）。该端口可能被过滤、运行着其他服务，或服务器过载。", host, port)
	case KindTimeout:
		st := stepName(e.Step)
		return Text{
			fmt.Sprintf("The server at %s port %d stopped answering during %s.", host, port, st.English),
			fmt.Sprintf("%s的%d端口上的服务器在%s时停止了响应。", host, port, st.Chinese),
		}
	case KindConnectionClosed:
		st := stepName(e.Step)
		return Text{
			fmt.Sprintf("The server at %s port %d closed the connection during %s.", host, port, st.English),
			fmt.Sprintf("%s的%d端口上的服务器在%s时关闭了连接。", host, port, st.Chinese),
		}
	case KindWrongProtocol:
		return tr("Port %d of %s does not speak %s: it answered like a %s server.", "%[2]s的%[1]d端口不是%[3]s服务：它的回应像%[4]s服务器。", port, host, proto, e.Detected)
	case KindServiceRefused:
		return tr("The server at %s port %d refused service (busy, shutting down, or refusing your address).", "%s的%d端口上的服务器拒绝服务（繁忙、正在关闭，或拒绝你的地址）。", host, port)
	case KindResponseTooLong:
		return tr("The server at %s port %d sent a line or response longer than allowed (4 KiB per line, 64 KiB per response); the probe stopped reading.",
			"%s的%d端口上的服务器发送的行或响应超出限制（每行4 KiB，每个响应64 KiB）；检测已停止读取。", host, port)
	case KindProtocolError:
		return tr("The server at %s port %d sent something that is not valid %s.", "%s的%d端口上的服务器发送了不符合%s协议的内容。", host, port, proto)
	case KindCanceled:
		return tr("The probe of %s port %d was canceled.", "对%s的%d端口的检测已取消。", host, port)
	case KindAuthInsecure:
		return tr("The credentials were not sent to %s port %d, because the connection is not protected by TLS with a verified certificate.",
			"没有向%s的%d端口发送账号凭据，因为该连接没有受到带有已验证证书的TLS保护。", host, port)
	case KindAuthUnavailable:
		return tr("The server at %s port %d offers no login method the probe can use with these credentials.", "%s的%d端口上的服务器没有提供可用于这些凭据的登录方式。", host, port)
	case KindAuthRejected:
		return tr("The server at %s port %d rejected the username or password.", "%s的%d端口上的服务器拒绝了用户名或密码。", host, port)
	case KindAuthAppPassword:
		return tr("The server at %s port %d does not accept the account password here: it wants an app password or an authorization code.",
			"%s的%d端口上的服务器在这里不接受账号密码：需要应用专用密码或授权码。", host, port)
	case KindAuthOAuth2Required:
		return tr("The server at %s port %d does not accept passwords at all: it requires OAuth2 (modern authentication).",
			"%s的%d端口上的服务器完全不接受密码登录：必须使用OAuth2（现代身份验证）。", host, port)
	}
	return tr("The probe of %s port %d failed: %v.", "对%s的%d端口的检测失败：%v。", host, port, e.cause())
}

func fix(e *ProbeError) Text {
	ports := portsHint(e.Endpoint.Protocol)
	switch e.Kind {
	case KindInvalidRequest:
		return tr("Give a host name, a port and a valid protocol and encryption.", "请提供主机名、端口以及有效的协议和加密方式。")
	case KindDNSNotFound:
		return tr("Check the spelling of the server name, or look up the provider's settings.", "请检查服务器名称的拼写，或查阅邮件服务商提供的设置。")
	case KindDNSFailure:
		return tr("Check the network and DNS settings and try again.", "请检查网络和DNS设置后重试。")
	case KindConnectionRefused:
		return withHint("Check the port number (%s) and that the server is running.", "请检查端口号（%s），并确认服务器正在运行。", ports)
	case KindConnectTimeout:
		return withHint("Try from another network, ask the network administrator to open the port, or use the other encrypted port (%s).",
			"请换一个网络尝试，请网络管理员开放该端口，或改用另一个加密端口（%s）。", ports)
	case KindExpectedTLSGotPlaintext:
		return withHint("Use STARTTLS on this port, or the implicit-TLS port: %s.", "请在这个端口上使用STARTTLS，或改用隐式TLS端口：%s。", ports)
	case KindExpectedPlaintextGotTLS:
		return withHint("Set the encryption to implicit TLS (SSL/TLS) for this port: %s.", "请把这个端口的加密方式设为隐式TLS（SSL/TLS）：%s。", ports)
	case KindSTARTTLSNotOffered, KindSTARTTLSRefused:
		return withHint("Use the implicit-TLS port instead (%s). Do not fall back to an unencrypted connection.", "请改用隐式TLS端口（%s）。不要退回到不加密的连接。", ports)
	case KindSTARTTLSInjection, KindPreauthPlaintext:
		return withHint("Do not use this connection. Try another network, and use implicit TLS (%s), which is not open to this attack.",
			"不要使用这个连接。请换一个网络尝试，并使用不受此类攻击影响的隐式TLS（%s）。", ports)
	case KindCertUntrusted:
		return tr("If this is your own server, install a certificate from a public certificate authority (such as Let's Encrypt), or trust its CA explicitly. Otherwise someone may be intercepting the connection: do not log in.",
			"如果这是你自己的服务器，请安装公共证书颁发机构（如Let's Encrypt）签发的证书，或明确信任其CA。否则可能有人在拦截连接：不要登录。")
	case KindCertExpired:
		return tr("The server's administrator must renew the certificate. Also check that this computer's clock is right.", "服务器管理员需要续期证书。同时请检查本机时间是否正确。")
	case KindCertNameMismatch:
		if len(e.CertNames) > 0 {
			return Text{
				"Use a host name the certificate covers (" + strings.Join(e.CertNames, ", ") + "), as given in the provider's settings.",
				"请使用证书所包含的主机名（" + strings.Join(e.CertNames, "、") + "），以服务商提供的设置为准。",
			}
		}
		return tr("Use the host name given in the provider's settings.", "请使用服务商设置中给出的主机名。")
	case KindCertInvalid, KindTLSHandshake:
		return tr("Ask the server's administrator to fix the TLS configuration.", "请联系服务器管理员修复TLS配置。")
	case KindTLSVersion:
		return tr("The server's administrator must enable TLS 1.2 or 1.3. Do not lower the client's minimum TLS version.", "服务器管理员需要启用TLS 1.2或1.3。不要降低客户端的最低TLS版本。")
	case KindGreetingTimeout:
		return withHint("Check the port and encryption (%s); if they are right, try again later or from another network.", "请检查端口和加密方式（%s）；如果设置正确，请稍后或换一个网络重试。", ports)
	case KindTimeout, KindConnectionClosed, KindNetwork:
		return tr("Try again later. If it keeps happening, the server or a firewall in between is dropping the connection.", "请稍后重试。如果一直出现，说明服务器或中间的防火墙在中断连接。")
	case KindWrongProtocol:
		return withHint("Check the port for "+e.Endpoint.Protocol.String()+" (%s).", "请检查"+e.Endpoint.Protocol.String()+"的端口（%s）。", ports)
	case KindServiceRefused:
		return tr("Try again later. If the server keeps refusing, your IP address may be blocked; contact the provider.", "请稍后重试。如果服务器一直拒绝，你的IP地址可能被屏蔽了，请联系服务商。")
	case KindResponseTooLong, KindProtocolError:
		return withHint("Check that the host and port are a mail server's (%s).", "请确认主机和端口属于邮件服务器（%s）。", ports)
	case KindCanceled:
		return tr("Run the probe again.", "请重新运行检测。")
	case KindAuthInsecure:
		return tr("Use an endpoint with implicit TLS or STARTTLS and a valid certificate.", "请使用带有效证书的隐式TLS或STARTTLS端点。")
	case KindAuthUnavailable:
		return tr("Use a client that supports the server's login methods (such as OAuth2), or another endpoint.", "请使用支持该服务器登录方式（如OAuth2）的客户端，或换用其他端点。")
	case KindAuthRejected:
		return tr("Check the username (usually the full email address) and the password. Many providers need an app password or authorization code for mail clients.",
			"请检查用户名（通常是完整的邮箱地址）和密码。许多服务商要求邮件客户端使用应用专用密码或授权码。")
	case KindAuthAppPassword:
		return tr("Create an app password or authorization code in the provider's web settings and log in with it.", "请在服务商的网页设置中生成应用专用密码或授权码，并用它登录。")
	case KindAuthOAuth2Required:
		return tr("Use a mail client that supports OAuth2 sign-in.", "请使用支持OAuth2登录的邮件客户端。")
	}
	return tr("Check the settings and try again.", "请检查设置后重试。")
}

// tr formats an English and a Chinese sentence with the same arguments.
func tr(en, zh string, args ...any) Text {
	return Text{fmt.Sprintf(en, args...), fmt.Sprintf(zh, args...)}
}

// withHint formats each language's sentence with that language's hint.
func withHint(en, zh string, hint Text) Text {
	return Text{fmt.Sprintf(en, hint.English), fmt.Sprintf(zh, hint.Chinese)}
}

// withCertNames adds which names the certificate covers.
func (e *ProbeError) withCertNames(t Text) Text {
	if len(e.CertNames) > 0 {
		t.English += " It covers: " + strings.Join(e.CertNames, ", ") + "."
		t.Chinese += "证书包含的名称：" + strings.Join(e.CertNames, "、") + "。"
	}
	return t
}
