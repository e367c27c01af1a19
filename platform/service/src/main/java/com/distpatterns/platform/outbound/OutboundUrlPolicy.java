package com.distpatterns.platform.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which user-given URLs a service calls (event-service's webhooks, task-service's http task types), so that a
 * client cannot make it reach into its own cluster (SSRF): http or https only, no user information, a host on the
 * allow-list, and, unless private networks are allowed, a host name that resolves only to public addresses. An IP
 * address written on the allow-list is taken as the operator's explicit choice. Checked when the URL is saved and
 * again before every call, since DNS answers change; the callers never follow redirects.
 */
public final class OutboundUrlPolicy {

    public static final int MAX_URL_LENGTH = 2048;
    /** An allow-list entry that admits any host name (still subject to the private-network rule). */
    public static final String ANY_HOST = "*";

    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final List<String> allowedHosts;
    private final boolean allowPrivateNetworks;
    private final HostResolver resolver;
    private final String field;
    private final String allowListSetting;

    /**
     * @param field how the request names the URL ({@code webhookUrl}, {@code url}), for the refusals' wording
     * @param allowListSetting the property an operator sets to allow more hosts, for the refusals' wording
     */
    public OutboundUrlPolicy(List<String> allowedHosts, boolean allowPrivateNetworks, HostResolver resolver,
            String field, String allowListSetting) {
        this.allowedHosts = allowedHosts.stream().map(OutboundUrlPolicy::normalizeHost).filter(h -> !h.isEmpty())
                .toList();
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.resolver = resolver;
        this.field = field;
        this.allowListSetting = allowListSetting;
    }

    /**
     * Returns the URL to call.
     *
     * @throws UrlNotAllowedException saying what is wrong with it
     */
    public URI check(String url) {
        if (url == null || url.isBlank()) {
            throw new UrlNotAllowedException(field + " is required: the http(s) URL to call.");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw new UrlNotAllowedException(field + " is longer than " + MAX_URL_LENGTH + " characters.");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new UrlNotAllowedException(field + " is not a valid URL: " + e.getReason() + ".");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new UrlNotAllowedException(field + " must be an absolute http:// or https:// URL.");
        }
        if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
            throw new UrlNotAllowedException(field + " must not contain user information (user:password@).");
        }
        if (uri.getHost() == null) {
            throw new UrlNotAllowedException(field + " must name a host, e.g. https://hooks.example.com/path.");
        }
        if (uri.getRawFragment() != null) {
            throw new UrlNotAllowedException(field + " must not have a fragment (#...).");
        }
        String host = normalizeHost(uri.getHost());
        if (!onAllowList(host)) {
            throw new UrlNotAllowedException("Host '" + host + "' is not on this service's allow-list"
                    + " (" + allowListSetting + "); ask the operator to add it, or use an allowed host.");
        }
        checkAddresses(host);
        return uri;
    }

    /** Why a delivery to {@code url} must not be attempted now, if it must not. */
    public Optional<String> refusal(URI url) {
        try {
            check(url.toString());
            return Optional.empty();
        } catch (UrlNotAllowedException e) {
            return Optional.of(e.getMessage());
        }
    }

    private boolean onAllowList(String host) {
        for (String allowed : allowedHosts) {
            if (allowed.equals(ANY_HOST) && !isLiteral(host)) {
                return true;
            }
            if (allowed.equals(host)) {
                return true;
            }
            if (allowed.startsWith("*.") && !isLiteral(host) && host.endsWith(allowed.substring(1))) {
                return true;
            }
        }
        return false;
    }

    private void checkAddresses(String host) {
        if (isLiteral(host) && allowedHosts.contains(host)) {
            return;
        }
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new UrlNotAllowedException("Host '" + host + "' cannot be resolved.");
        }
        if (addresses.isEmpty()) {
            throw new UrlNotAllowedException("Host '" + host + "' cannot be resolved.");
        }
        if (!allowPrivateNetworks) {
            for (InetAddress address : addresses) {
                if (!isPublic(address)) {
                    throw new UrlNotAllowedException("Host '" + host + "' resolves to " + address.getHostAddress()
                            + ", a loopback, private or otherwise internal address, which this service may not call.");
                }
            }
        }
    }

    static boolean isLiteral(String host) {
        return IPV4_LITERAL.matcher(host).matches() || host.contains(":");
    }

    static String normalizeHost(String host) {
        String lower = host.trim().toLowerCase(Locale.ROOT);
        return lower.startsWith("[") && lower.endsWith("]") ? lower.substring(1, lower.length() - 1) : lower;
    }

    static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first != 0 // "this" network
                    && !(first == 100 && second >= 64 && second <= 127) // carrier-grade NAT
                    && !(first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
                    && !(first == 198 && (second == 18 || second == 19)) // benchmarking
                    && first < 240; // reserved and broadcast
        }
        if (address instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) {
                return false; // unique local fc00::/7
            }
            if (isPrefixed(b, 12, new byte[] {0, 0x64, (byte) 0xff, (byte) 0x9b}) || isPrefixed(b, 12, new byte[4])) {
                // NAT64 64:ff9b::/96 and IPv4-compatible ::/96 carry an IPv4 address in their last four bytes.
                try {
                    return isPublic(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isPrefixed(byte[] address, int zeroUpTo, byte[] start) {
        for (int i = 0; i < zeroUpTo; i++) {
            byte expected = i < start.length ? start[i] : 0;
            if (address[i] != expected) {
                return false;
            }
        }
        return true;
    }
}
