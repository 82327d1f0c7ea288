// javac -cp /usr/share/omegat/OmegaT.jar OmegatTmMatches.java; java -cp /usr/share/omegat/OmegaT.jar:. OmegatTmMatches PROJECT_DIR
// Loads an OmegaT project and prints, for each source segment, the exact matches OmegaT's
// loaded translation memories (tm/, tm/auto/) offer, with their props and note.
import java.io.File;
import java.util.*;
import org.omegat.core.Core;
import org.omegat.core.data.*;
import org.omegat.util.*;

public class OmegatTmMatches {
    public static void main(String[] a) throws Exception {
        Map<String, String> p = new TreeMap<String, String>();
        org.omegat.filters2.master.PluginUtils.loadPlugins(p);
        Core.initializeConsole(p);
        RealProject project = new RealProject(ProjectFileStorage.loadProjectProperties(new File(a[0])));
        project.loadProject(true);
        Core.setProject(project);
        for (Map.Entry<String, ExternalTMX> tm : project.getTransMemories().entrySet()) {
            System.out.println("TM\t" + tm.getKey() + "\t" + tm.getValue().getEntries().size() + " entries");
        }
        for (SourceTextEntry e : project.getAllEntries()) {
            String found = "";
            for (ExternalTMX tm : project.getTransMemories().values()) {
                for (PrepareTMXEntry x : tm.getEntries()) {
                    if (x.source.equals(e.getSrcText())) {
                        found = x.translation + "\torigin=" + x.getPropValue("x-termtrans-origin")
                            + " terms=" + x.getPropValue("x-termtrans-term-status") + " note=" + x.note;
                    }
                }
            }
            System.out.println("SEG\t" + e.getSrcText() + "\t" + found);
        }
        project.closeProject();
        System.exit(0);
    }
}
