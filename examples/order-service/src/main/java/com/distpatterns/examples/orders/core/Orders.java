package com.distpatterns.examples.orders.core;

import com.distpatterns.client.DistpatternsClient;
import com.distpatterns.client.DistributedLock;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * Placing an order: under the product's {@link DistributedLock}, read the stock from the key-value store, take the
 * quantity off and record the order with the lock's fencing token. Every instance of the application takes the same
 * lock, so two orders never sell the same last item.
 */
@Service
public class Orders {

    /** Stock a product starts with, until an order changes it. */
    static final long INITIAL_STOCK = 100;

    public record Order(String id, String sku, int quantity, long totalCents, long fencingToken) {}

    public static final class OutOfStockException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutOfStockException(String sku, long left) {
            super("only " + left + " of " + sku + " left");
        }
    }

    private final DistpatternsClient suite;
    private final Pricing pricing;

    public Orders(DistpatternsClient suite, Pricing pricing) {
        this.suite = suite;
        this.pricing = pricing;
    }

    public Order place(String sku, int quantity) throws InterruptedException {
        long price = pricing.quote(sku).cents();
        DistributedLock lock = suite.lock("stock-" + sku);
        lock.lockInterruptibly();
        try {
            String stockKey = "orders/stock/" + sku;
            long left = suite.kv().<Long>get(stockKey, Long.class).orElse(INITIAL_STOCK);
            if (left < quantity) {
                throw new OutOfStockException(sku, left);
            }
            Order order = new Order(UUID.randomUUID().toString(), sku, quantity, price * quantity, lock.fencingToken());
            suite.kv().put(stockKey, left - quantity);
            suite.kv().put("orders/order/" + order.id(), order);
            return order;
        } finally {
            lock.unlock();
        }
    }

    public Optional<Order> find(String id) {
        return suite.kv().<Order>get("orders/order/" + id, Order.class);
    }

    public long stock(String sku) {
        return suite.kv().<Long>get("orders/stock/" + sku, Long.class).orElse(INITIAL_STOCK);
    }
}
