package com.distpatterns.examples.orders.core;

import com.distpatterns.client.NonRetryableTaskException;
import com.distpatterns.client.TaskWorker.TaskContext;
import com.distpatterns.client.spring.TaskHandler;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Renders invoices as tasks of task-service: whoever submits an {@code order.invoice} task (this application,
 * another one, curl through the gateway) gets it rendered by one of this application's instances.
 */
@Service
public class Invoices {

    private static final Logger LOG = LoggerFactory.getLogger(Invoices.class);

    /** What an invoice task carries; {@code renderMs} stands for the time a real rendering takes. */
    public record InvoiceRequest(String orderId, String sku, int quantity, long totalCents, long renderMs) {}

    /** The task's result: the invoice, which instance rendered it, and how many renderings ran there at once. */
    public record Invoice(String orderId, String text, long renderedBy, int attempt, int inFlight) {}

    private final AtomicInteger inFlight = new AtomicInteger();

    @TaskHandler("${orders.invoice-type:order.invoice}")
    public Invoice render(InvoiceRequest request, TaskContext task) throws InterruptedException {
        if (request.orderId() == null || request.orderId().isBlank()) {
            throw new NonRetryableTaskException("an invoice needs an orderId"); // retrying would not help
        }
        int now = inFlight.incrementAndGet();
        try {
            LOG.info("Rendering invoice of order {} (task {}, attempt {})", request.orderId(), task.taskId(),
                    task.attempt());
            Thread.sleep(request.renderMs());
            String text = "INVOICE " + request.orderId() + ": " + request.quantity() + " x " + request.sku() + " = "
                    + request.totalCents() + " cents";
            return new Invoice(request.orderId(), text, ProcessHandle.current().pid(), task.attempt(), now);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    // An event listener goes here once the starter has @SuiteEventListener (issue 17), e.g. to render the invoice
    // of every "order.paid" event.
}
