package com.distpatterns.examples.orders.api;

import com.distpatterns.client.DistpatternsClient;
import com.distpatterns.examples.orders.core.Invoices.Invoice;
import com.distpatterns.examples.orders.core.Invoices.InvoiceRequest;
import com.distpatterns.examples.orders.core.Orders;
import com.distpatterns.examples.orders.core.Orders.Order;
import com.distpatterns.examples.orders.core.Pricing;
import java.time.Duration;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The example's HTTP API: prices, orders, stock, and an order's invoice rendered as a task. */
@RestController
class OrderController {

    record NewOrder(String sku, int quantity) {}

    private final Orders orders;
    private final Pricing pricing;
    private final DistpatternsClient suite;
    private final String invoiceType;

    OrderController(Orders orders, Pricing pricing, DistpatternsClient suite,
            @Value("${orders.invoice-type:order.invoice}") String invoiceType) {
        this.orders = orders;
        this.pricing = pricing;
        this.suite = suite;
        this.invoiceType = invoiceType;
    }

    @GetMapping("/prices/{sku}")
    Pricing.Quote price(@PathVariable String sku) throws InterruptedException {
        return pricing.quote(sku);
    }

    @PostMapping("/orders")
    ResponseEntity<Order> place(@RequestBody NewOrder order) throws InterruptedException {
        if (order.sku() == null || !order.sku().matches("[A-Za-z0-9-]{1,64}") || order.quantity() < 1) {
            return ResponseEntity.badRequest().build();
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(orders.place(order.sku(), order.quantity()));
    }

    @GetMapping("/orders/{id}")
    ResponseEntity<Order> find(@PathVariable String id) {
        return ResponseEntity.of(orders.find(id));
    }

    @GetMapping("/stock/{sku}")
    Map<String, Object> stock(@PathVariable String sku) {
        return Map.of("sku", sku, "stock", orders.stock(sku));
    }

    /** Renders the invoice through task-service: any instance's {@code @TaskHandler} may serve it. */
    @PostMapping("/orders/{id}/invoice")
    ResponseEntity<Invoice> invoice(@PathVariable String id) {
        return orders.find(id)
                .map(order -> suite.tasks().<Invoice>call(invoiceType, new InvoiceRequest(order.id(), order.sku(),
                        order.quantity(), order.totalCents(), 100), Duration.ofSeconds(30), Invoice.class))
                .map(ResponseEntity::ok)
                .orElse(ResponseEntity.notFound().build());
    }

    @ExceptionHandler(Orders.OutOfStockException.class)
    ProblemDetail outOfStock(Orders.OutOfStockException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    }
}
