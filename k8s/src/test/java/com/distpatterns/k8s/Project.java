package com.distpatterns.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The Maven modules of the repository, read from their poms: which are applications, and what each depends on.
 * The manifests' test learns from here what it would otherwise have to be told, so it follows the code.
 */
record Project(Path root, Map<String, Module> modulesByArtifactId) {

    /** A module: its folder, whether it builds a Spring Boot application, and its non-test dependencies. */
    record Module(String artifactId, Path dir, boolean application, List<String> dependencies) {

        Path resources() {
            return dir.resolve("src/main/resources");
        }
    }

    static Project at(Path root) {
        Map<String, Module> modules = new LinkedHashMap<>();
        collect(root, modules);
        return new Project(root, modules);
    }

    /**
     * The modules that run as a service of the suite: the ones whose jar is a Spring Boot application, except those
     * under {@code examples/}, which are users' applications built on the suite (they run beside it, started by
     * scripts/run-local.sh, and are not deployed with it).
     */
    List<Module> applications() {
        return modulesByArtifactId.values().stream().filter(this::isSuiteApplication).toList();
    }

    Optional<Module> application(String artifactId) {
        return Optional.ofNullable(modulesByArtifactId.get(artifactId)).filter(this::isSuiteApplication);
    }

    private boolean isSuiteApplication(Module module) {
        return module.application() && !root.relativize(module.dir()).startsWith("examples");
    }

    Optional<Module> module(String artifactId) {
        return Optional.ofNullable(modulesByArtifactId.get(artifactId));
    }

    private static void collect(Path dir, Map<String, Module> modules) {
        Element pom = read(dir.resolve("pom.xml"));
        String artifactId = text(pom, "artifactId").orElseThrow();
        List<String> dependencies = new ArrayList<>();
        for (Element dependency : children(child(pom, "dependencies"), "dependency")) {
            boolean testOnly = text(dependency, "scope").filter("test"::equals).isPresent();
            boolean optional = text(dependency, "optional").filter("true"::equals).isPresent();
            if (!testOnly && !optional) {
                dependencies.add(text(dependency, "artifactId").orElseThrow());
            }
        }
        boolean application = children(child(child(pom, "build"), "plugins"), "plugin").stream()
                .anyMatch(plugin -> text(plugin, "artifactId").filter("spring-boot-maven-plugin"::equals).isPresent());
        modules.put(artifactId, new Module(artifactId, dir, application, List.copyOf(dependencies)));
        for (Element module : children(child(pom, "modules"), "module")) {
            collect(dir.resolve(module.getTextContent().strip()), modules);
        }
    }

    private static Element read(Path pom) {
        try (var in = Files.newInputStream(pom)) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document document = factory.newDocumentBuilder().parse(in);
            return document.getDocumentElement();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pom, e);
        }
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.getFirst();
    }

    private static List<Element> children(Element parent, String name) {
        if (parent == null) {
            return List.of();
        }
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element element && element.getTagName().equals(name)) {
                found.add(element);
            }
        }
        return found;
    }

    private static Optional<String> text(Element parent, String name) {
        return Optional.ofNullable(child(parent, name)).map(element -> element.getTextContent().strip());
    }

    /** The configuration files Spring Boot reads from a resources folder (and the platform's defaults). */
    static List<Path> configurationFiles(Path resources) {
        if (!Files.isDirectory(resources)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(resources)) {
            return files
                    .filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().matches(".*\\.(ya?ml|properties)"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
