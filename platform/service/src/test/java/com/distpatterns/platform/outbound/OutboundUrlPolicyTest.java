package com.distpatterns.platform.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundUrlPolicyTest {

    /** DNS as the tests need it. */
    final Map<String, List<InetAddress>> dns = new HashMap<>();
    final HostResolver resolver = host -> {
        List<InetAddress> addresses = dns.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host);
        }
        return addresses;
    };

    OutboundUrlPolicy policy(boolean allowPrivateNetworks, String... allowed) {
        return new OutboundUrlPolicy(List.of(allowed), allowPrivateNetworks, resolver, "webhookUrl", "allowed-hosts");
    }

    void resolve(String host, String... addresses) throws UnknownHostException {
        List<InetAddress> resolved = new java.util.ArrayList<>();
        for (String address : addresses) {
            resolved.add(InetAddress.getByName(address));
        }
        dns.put(host, resolved);
    }

    @Test
    void anAllowedPublicHostPasses() throws Exception {
        resolve("hooks.example.com", "93.184.216.34");
        assertThat(policy(false, "hooks.example.com").check("https://hooks.example.com/events?token=x"))
                .isEqualTo(URI.create("https://hooks.example.com/events?token=x"));
        assertThat(policy(false, "HOOKS.example.com").check("http://Hooks.Example.com:8443/e")).isNotNull();
    }

    @Test
    void aWildcardAllowsSubdomainsOnly() throws Exception {
        resolve("a.example.com", "93.184.216.34");
        resolve("example.com", "93.184.216.34");
        resolve("evil-example.com", "93.184.216.34");
        OutboundUrlPolicy policy = policy(false, "*.example.com");
        assertThat(policy.check("https://a.example.com/")).isNotNull();
        assertThatThrownBy(() -> policy.check("https://example.com/")).isInstanceOf(UrlNotAllowedException.class);
        assertThatThrownBy(() -> policy.check("https://evil-example.com/")).isInstanceOf(UrlNotAllowedException.class);
    }

    @Test
    void anIpAddressOnTheListIsTheOperatorsChoiceEvenWhenPrivate() {
        OutboundUrlPolicy local = policy(false, "127.0.0.1");
        assertThat(local.check("http://127.0.0.1:9000/hook")).isNotNull();
        for (String url : new String[] {"http://localhost:9000/hook", "http://127.0.0.2/", "http://127.1/",
                "http://0x7f000001/", "http://2130706433/", "http://[::1]/", "http://[::ffff:127.0.0.1]/",
                "http://0.0.0.0/",
                "http://127.0.0.1.nip.io/", "http://127.0.0.1@evil.example/", "http://evil.example@127.0.0.1/"}) {
            assertThatThrownBy(() -> local.check(url)).as(url).isInstanceOf(UrlNotAllowedException.class);
        }
    }

    @Test
    void anAllowedNameThatResolvesIntoPrivateNetworksIsRefused() throws Exception {
        OutboundUrlPolicy policy = policy(false, "*.example.com");
        for (String address : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254",
                "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:10.0.0.1", "64:ff9b::a00:1",
                "224.0.0.1"}) {
            resolve("internal.example.com", "93.184.216.34", address);
            assertThatThrownBy(() -> policy.check("https://internal.example.com/"))
                    .as(address)
                    .isInstanceOf(UrlNotAllowedException.class)
                    .hasMessageContaining("internal address");
        }
        resolve("internal.example.com", "10.1.2.3");
        assertThat(policy(true, "*.example.com").check("https://internal.example.com/")).isNotNull();
    }

    @Test
    void anyHostMeansAnyPublicName() throws Exception {
        resolve("anything.test", "93.184.216.34");
        resolve("intranet", "10.0.0.1");
        OutboundUrlPolicy policy = policy(false, "*");
        assertThat(policy.check("https://anything.test/")).isNotNull();
        assertThatThrownBy(() -> policy.check("https://intranet/")).isInstanceOf(UrlNotAllowedException.class);
        assertThatThrownBy(() -> policy.check("http://10.0.0.1/")).isInstanceOf(UrlNotAllowedException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "not a url", "/relative/path", "ftp://127.0.0.1/", "file:///etc/passwd",
            "gopher://127.0.0.1/", "javascript:alert(1)", "http:///path", "http://127.0.0.1/#fragment",
            "http://user:pass@127.0.0.1/"})
    void malformedOrNonHttpUrlsAreRefused(String url) {
        assertThatThrownBy(() -> policy(true, "127.0.0.1", "*").check(url)).isInstanceOf(UrlNotAllowedException.class);
    }

    @Test
    void anUnresolvableHostIsRefusedAndAtDeliveryTheRefusalIsAReason() throws Exception {
        OutboundUrlPolicy policy = policy(false, "gone.example.com");
        assertThatThrownBy(() -> policy.check("https://gone.example.com/")).hasMessageContaining("cannot be resolved");
        assertThat(policy.refusal(URI.create("https://gone.example.com/"))).hasValueSatisfying(
                reason -> assertThat(reason).contains("cannot be resolved"));
        resolve("gone.example.com", "93.184.216.34");
        assertThat(policy.refusal(URI.create("https://gone.example.com/"))).isEmpty();
    }
}
