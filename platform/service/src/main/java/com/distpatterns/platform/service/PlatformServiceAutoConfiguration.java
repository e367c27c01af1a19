package com.distpatterns.platform.service;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Wires the shared HTTP runtime into every servlet service of the suite. */
@AutoConfiguration(before = ErrorMvcAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class PlatformServiceAutoConfiguration {

  @Bean
  ProblemDetailsAdvice problemDetailsAdvice() {
    return new ProblemDetailsAdvice();
  }

  @Bean
  ProblemErrorController problemErrorController() {
    return new ProblemErrorController();
  }

  @Bean
  RelativeServerOpenApi relativeServerOpenApi(Environment environment) {
    return new RelativeServerOpenApi(environment.getProperty("spring.application.name", "service"));
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.dao.DataAccessResourceFailureException")
  static class StoreProblems {
    @Bean
    InfrastructureProblemAdvice infrastructureProblemAdvice() {
      return new InfrastructureProblemAdvice();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.amqp.AmqpConnectException")
  static class BrokerProblems {
    @Bean
    BrokerProblemAdvice brokerProblemAdvice() {
      return new BrokerProblemAdvice();
    }
  }
}
