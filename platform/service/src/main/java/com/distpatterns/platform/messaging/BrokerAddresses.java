package com.distpatterns.platform.messaging;

import com.rabbitmq.client.Address;
import java.util.List;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;

/** Every broker address Spring Boot was given ({@code spring.rabbitmq.addresses}, or host and port), in order. */
public final class BrokerAddresses {

    private BrokerAddresses() {}

    public static List<Address> of(RabbitConnectionDetails details) {
        return details.getAddresses().stream().map(address -> new Address(address.host(), address.port())).toList();
    }
}
